/**
 * A registry host simulated as facts: a fresh host, and the host a successful apply leaves behind
 * (every file with the bytes the plan wrote, the containers running with their config hashes), so
 * tests can plan twice and prove the second plan has no step.
 */
import { createHash } from "node:crypto";
import type { ComposeState } from "../../../../src/facts/compose-state.js";
import { FactSet, type Fact } from "../../../../src/facts/fact.js";
import type { FileInfo } from "../../../../src/facts/file.js";
import type { SystemdUnit } from "../../../../src/facts/systemd-unit.js";
import type { Resource, Step } from "../../../../src/resources/resource.js";

export type FactValues = Map<string, unknown>;

const unit = (up: boolean): SystemdUnit => ({
  systemd: true,
  loaded: up,
  active: up,
  enabled: up,
  loadState: up ? "loaded" : "not-found",
  activeState: up ? "active" : "inactive",
  subState: up ? "waiting" : "dead",
  unitFileState: up ? "enabled" : "",
  activeSince: up ? 1 : null,
  mainPid: null,
});

/** The engine's own view (docker info) of a running engine 20.10 with these insecure-registries. */
export const runningEngine = (insecureRegistries: readonly string[]) => ({
  status: "running",
  clientVersion: "20.10.24",
  canValidate: false,
  serverVersion: "20.10.24",
  registryMirrors: [],
  insecureRegistries,
  cgroupDriver: "cgroupfs",
  storageDriver: "overlay2",
});

/** A fresh EL host with Docker and compose: nothing of the registry exists; only ssh listens. */
export function freshFacts(resources: readonly Resource[], ports: number[] = [22]): FactValues {
  const values: FactValues = new Map();
  for (const f of resources.flatMap((r) => r.facts)) {
    if (f.name.startsWith("file:")) values.set(f.name, { exists: false } satisfies FileInfo);
    else if (f.name.startsWith("compose-state:"))
      values.set(f.name, { status: "ok", containers: [] } satisfies ComposeState);
    else if (f.name === "listening-ports") values.set(f.name, ports);
    // No gc.sh yet, so no graph (what the probe reports for a gc.sh without --graph, too).
    else if (f.name.startsWith("registry-gc-graph:")) values.set(f.name, null);
    else if (f.name.startsWith("systemd-unit:")) values.set(f.name, unit(false));
    // No verify robot left behind by a killed ops verify.
    else if (f.name.startsWith("verify-robots-expired:")) values.set(f.name, { code: 0, output: "" });
    else if (f.name === "docker-info" || f.name === "docker-daemon") values.set(f.name, runningEngine([]));
    // The engine as install-engine leaves it by default: the userland proxy on.
    else if (f.name === "dockerd-cmdline")
      values.set(f.name, {
        running: true,
        pid: 812,
        via: "MainPID",
        args: ["/usr/bin/dockerd", "-H", "fd://"],
      });
    else throw new Error(`no simulated value for fact ${f.name}`);
  }
  return values;
}

export const factSet = (values: FactValues): FactSet => new FactSet(values);

/** The steps every resource plans against `values`. */
export function planAll(
  resources: readonly Resource[],
  values: FactValues,
): { id: string; steps: readonly Step[] }[] {
  const set = factSet(values);
  return resources.flatMap((r) => {
    const o = r.plan(set);
    if (o.kind === "fail") throw new Error(`${r.id}: ${o.message}`);
    return o.kind === "change" ? [{ id: r.id, steps: o.steps }] : [];
  });
}

/** daemon.json holding `o`, as the file fact reads it. */
export const daemonJsonFile = (o: object): FileInfo =>
  fileAfter(Buffer.from(`${JSON.stringify(o)}\n`), "0644");

const fileAfter = (content: Buffer, mode: string): FileInfo => ({
  exists: true,
  type: "file",
  mode,
  owner: "root",
  group: "root",
  mtime: 1,
  size: content.length,
  sha256: createHash("sha256").update(content).digest("hex"),
  content,
});

/**
 * What the host holds after the planned steps ran: files with the bytes the steps sent on stdin,
 * directories made, services up, containers running with `hashes`.
 */
export function applied(
  resources: readonly Resource[],
  values: FactValues,
  hashes: Readonly<Record<string, string>>,
): FactValues {
  const after: FactValues = new Map(values);
  for (const { id, steps } of planAll(resources, values)) {
    const [kind, ...rest] = id.split(":");
    const path = rest.join(":");
    const step = steps[0];
    if ((kind === "file" || kind === "template") && step?.stdin !== undefined) {
      const mode = /chmod '?(\d{4})'? "\$tmp"/.exec(step.script)?.[1] ?? "0644";
      after.set(`file:${path}`, fileAfter(Buffer.from(step.stdin), mode));
    } else if (kind === "directory") {
      const mode = /chmod '?(\d{4})'?/.exec(step?.script ?? "")?.[1] ?? "0755";
      after.set(`file:${path}`, {
        ...fileAfter(Buffer.alloc(0), mode),
        type: "directory",
        sha256: null,
        content: null,
      });
    } else if (kind === "service") {
      after.set(`systemd-unit:${path}`, unit(true));
    } else if (kind === "compose") {
      const containers = Object.entries(hashes).map(([service, configHash], i) => ({
        id: `c${i}`,
        name: `ops-registry-${service}-1`,
        service,
        state: "running",
        health: "healthy",
        configHash,
        ports: [],
      }));
      for (const [name, v] of values)
        if (name.startsWith("compose-state:") && (v as ComposeState).status === "ok")
          after.set(name, { status: "ok", containers });
    }
  }
  return after;
}

export type { Fact };
