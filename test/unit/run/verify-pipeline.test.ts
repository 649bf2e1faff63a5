/**
 * install-engine's checks on the one pipeline (what `ops verify` runs) over FakeTransport: one
 * round trip per host, per-check results from the batch's sections, gating, unreachable and dropped
 * hosts, cleanup when the batch fails or is interrupted, names unique per run.
 */
import { strict as assert } from "node:assert";
import { exitCodeFor } from "../../../src/cli/exit-codes.js";
import type { HostResult, OpsEvent } from "../../../src/events.js";
import { HostCleanups } from "../../../src/run/host-cleanups.js";
import type { HostJob } from "../../../src/run/host-pipeline.js";
import { runHosts } from "../../../src/run/run.js";
import { FakeTransport, fakeConnector, type FakeOptions } from "../../../src/transport/fake.js";
import type { ExecResult } from "../../../src/transport/transport.js";
import { allChecks, engineChecksFor } from "../../../playbooks/engine-checks/index.js";
import { answerBatch, readBatch, type BatchSection } from "../../helpers/fake-host.js";
import { inventoryHost } from "../../helpers/inventory-host.js";

const RUNNING =
  'client 20.10.24\nvalidate no\ninfo {"ServerVersion":"20.10.24","Driver":"overlay2","CgroupDriver":"systemd","RegistryConfig":{"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{},"Mirrors":[]}}\n';

/** What each section prints, by a word its probe contains; the token is read from the probe. */
function sectionOutput(section: BatchSection, failPull: boolean): { code: number; output: string } {
  const script = section.probe;
  const token = /ops-verify-token-[0-9a-f]+/.exec(script)?.[0] ?? "";
  if (script.includes("systemctl")) return { code: 0, output: "active active\nenabled enabled\n" };
  if (script.includes("status absent")) return { code: 0, output: RUNNING };
  if (script.includes("docker pull"))
    return failPull ? { code: 1, output: "denied\n" } : { code: 0, output: "ok\n" };
  if (script.includes("httpd")) return { code: 0, output: `port 49153\nbody ${token}\n` };
  if (script.includes("--network host"))
    return {
      code: 0,
      output:
        "host-hostname h\nhost-links eth0 lo\ncontainer-hostname h\ncontainer-links\n1: lo: <>\n2: eth0@if3: <>\n",
    };
  if (script.includes("--network none")) return { code: 0, output: "container-links\n1: lo: <>\n" };
  if (script.includes("--network container:"))
    return { code: 0, output: "first 172.17.0.2\njoined\n21: eth0    inet 172.17.0.2/16 brd\n" };
  return { code: 0, output: `read ${token}\n` };
}

const fakeHost = (name: string, failPull = false, options: FakeOptions = {}) =>
  new FakeTransport(
    name,
    (script) => answerBatch(script, (s) => sectionOutput(s, failPull)) ?? { code: 0, stdout: "", stderr: "" },
    options,
  );

const job = (name: string, runId: string, vars: Record<string, unknown> = {}): HostJob => ({
  host: inventoryHost(name),
  work: () => ({ resources: [], handlers: [], checks: engineChecksFor(vars, runId) }),
});

async function verify(
  transports: Record<string, FakeTransport>,
  jobs: HostJob[],
  extra: { cleanups?: HostCleanups; signal?: AbortSignal; forks?: number } = {},
) {
  const events: OpsEvent[] = [];
  const connect = fakeConnector(transports);
  const result = await runHosts(
    jobs,
    {
      command: "verify",
      playbook: "install-engine",
      apply: false,
      forks: extra.forks ?? 5,
      runId: "run1",
      startedAt: "2026-01-01T00:00:00Z",
      owner: "me@here",
    },
    {
      connect: (h) => connect(h.name),
      emit: (e) => events.push(e),
      now: () => Date.now(),
      cleanups: extra.cleanups ?? new HostCleanups(),
      ...(extra.signal ? { signal: extra.signal } : {}),
    },
  );
  const code = exitCodeFor({
    command: "verify",
    hosts: result.hosts,
    check: true,
    interrupted: result.interrupted,
  });
  const byId = (h: HostResult | undefined) => new Map(h?.checks.map((c) => [c.id, c]));
  return { result, events, code, byId };
}

describe("verify on the one pipeline", () => {
  it("passes every check of a healthy host in one round trip", async () => {
    const web1 = fakeHost("web1");
    const { result, code, events } = await verify({ web1 }, [job("web1", "abc")]);
    const [h] = result.hosts;
    assert.deepEqual(
      h?.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.message}`),
      [],
    );
    assert.equal(h?.checks.length, allChecks.length);
    assert.equal(web1.commandCount, 1);
    assert.equal(code, 0);
    assert.equal(web1.closed, true);
    assert.equal(events.filter((e) => e.kind === "check-result").length, allChecks.length);
  });

  it("runs the docker-info probe once for the four checks that read it, and shares equal scripts", async () => {
    const web1 = fakeHost("web1");
    await verify({ web1 }, [job("web1", "abc")]);
    const sections = readBatch(web1.calls[0]?.script ?? "")?.sections ?? [];
    assert.equal(sections.filter((s) => s.probe.includes("status absent")).length, 1);
    assert.equal(sections.length, allChecks.length - 4, "active+enabled share, and the info probe is shared");
  });

  it("a failed pull fails image.pull and reports the containers as not run, not as passed", async () => {
    const web1 = fakeHost("web1", true);
    const { result, code, byId } = await verify({ web1 }, [job("web1", "abc")]);
    const checks = byId(result.hosts[0]);
    assert.equal(checks.get("image.pull")?.status, "fail");
    assert.equal(checks.get("engine.active")?.status, "pass");
    for (const id of ["network.bridge", "network.container", "volume.named", "volume.volumes-from"]) {
      assert.equal(checks.get(id)?.status, "error", id);
      assert.match(checks.get(id)?.message ?? "", /^not run: image.pull/);
    }
    assert.equal(code, 2);
  });

  it("an unreachable host is reported as such and never stops the others", async () => {
    const web1 = fakeHost("web1");
    const { result, code } = await verify({ web1 }, [job("down", "abc"), job("web1", "abc")]);
    assert.deepEqual(
      result.hosts.map((h) => [h.host, h.status]),
      [
        ["down", "unreachable"],
        ["web1", "ok"],
      ],
    );
    assert.match(result.hosts[0]?.error?.message ?? "", /connection refused/);
    assert.equal(code, 2);
  });

  it("when the batch dies mid-way, cleanup runs on the host, the host fails and nothing passes", async () => {
    let n = 0;
    const web1 = new FakeTransport("web1", (script) => {
      n++;
      // The host's facts arrive (the first stage); the batch they chose dies.
      if (n === 2) throw new Error("channel broke");
      return answerBatch(script, () => ({ code: 0, output: "" })) ?? { code: 0, stdout: "", stderr: "" };
    });
    const { result, code } = await verify({ web1 }, [job("web1", "abc123")]);
    assert.equal(web1.calls.length, 2);
    assert.match(web1.calls[1]?.script ?? "", /docker ps -aq --filter name=ops-verify-abc123-/);
    assert.equal(result.hosts[0]?.status, "failed");
    assert.ok(result.hosts[0]?.checks.every((c) => c.status !== "pass"));
    assert.equal(code, 2);
  });

  it("the batch carries the run's cleanup in its exit trap", async () => {
    const web1 = fakeHost("web1");
    await verify({ web1 }, [job("web1", "abc123")]);
    const script = web1.calls[0]?.script ?? "";
    assert.match(script, /trap 'ops_cleanup >\/dev\/null 2>&1' EXIT/);
    assert.match(script, /ops_cleanup\(\) \{[\s\S]*docker ps -aq --filter name=ops-verify-abc123-/);
  });

  it("names are unique per run: two runs use different prefixes everywhere", async () => {
    const a = fakeHost("web1");
    const b = fakeHost("web1");
    await verify({ web1: a }, [job("web1", "run0001")]);
    await verify({ web1: b }, [job("web1", "run0002")]);
    const names = (s: string) =>
      new Set(
        (s.match(/ops-verify-[0-9a-z]+-[a-z-]+/g) ?? []).filter((n) => !n.startsWith("ops-verify-token")),
      );
    const n1 = names(a.calls[0]?.script ?? "");
    assert.ok(n1.size >= 8, `many named objects: ${[...n1].join(" ")}`);
    for (const n of names(b.calls[0]?.script ?? "")) assert.ok(!n1.has(n), `${n} reused`);
    for (const n of n1) assert.ok(n.startsWith("ops-verify-run0001-"));
  });

  it("the host's variables decide the image and the desired mirrors", async () => {
    const web1 = fakeHost("web1");
    const vars = { verify_image: "registry.lan/tools/busybox:1.36", registry_mirrors: ["http://m:5000"] };
    const { result, byId } = await verify({ web1 }, [job("web1", "abc", vars)]);
    assert.match(web1.calls[0]?.script ?? "", /docker pull -- registry.lan\/tools\/busybox:1.36/);
    const mirrors = byId(result.hosts[0]).get("config.registry-mirrors");
    assert.equal(mirrors?.status, "fail");
    assert.equal(mirrors?.expected, "http://m:5000");
    assert.equal(mirrors?.actual, "(none)");
  });

  it("an interrupt stops the batch on a new channel, removes what it made, and starts no other host", async () => {
    const controller = new AbortController();
    const cleanups = new HostCleanups();
    let release: (() => void) | undefined;
    const web1 = new FakeTransport("web1", (script) => {
      const hostFacts = script.includes("ops_cleanup")
        ? undefined
        : answerBatch(script, () => ({ code: 0, output: "" }));
      if (hostFacts) return hostFacts;
      if (readBatch(script)) {
        // The interrupt arrives while the batch runs; the runner stops it through its pid file.
        setTimeout(() => {
          controller.abort();
          cleanups.start("effects");
        }, 5);
        return new Promise<ExecResult>((resolve) => {
          release = () => resolve({ code: 143, stdout: "", stderr: "" });
        });
      }
      release?.();
      return { code: 0, stdout: "", stderr: "" };
    });
    const web2 = fakeHost("web2");
    const jobs = [job("web1", "sig1"), job("web2", "sig1")];
    const { result } = await verify({ web1, web2 }, jobs, { cleanups, signal: controller.signal, forks: 1 });
    const stop = web1.calls[1]?.script ?? "";
    assert.match(stop, /kill -TERM "\$p"/, "the batch is stopped through its pid file");
    assert.match(stop, /name=ops-verify-sig1-/, "and what it created is removed");
    assert.equal(web1.closed, true);
    assert.equal(web2.calls.length, 0, "no host starts after the interrupt");
    assert.deepEqual(
      result.hosts.map((h) => h.status),
      ["failed", "not-started"],
    );
    assert.equal(result.interrupted, true);
    assert.deepEqual(cleanups.hosts, []);
  });
});

describe("ops run --verify: checks after applying", () => {
  it("judges the checks in one more round trip after the steps, under the lock", async () => {
    const marker = { name: "marker", probe: "cat /etc/marker", parse: (s: string) => s.trim() };
    const resource = {
      id: "file:/etc/marker",
      facts: [marker],
      plan: (f: { get: (x: typeof marker) => string }) =>
        f.get(marker) === "v2"
          ? ({ kind: "noop", reason: "ok" } as const)
          : ({ kind: "change", steps: [{ description: "write v2", script: "write-marker" }] } as const),
    };
    const web1 = new FakeTransport("web1", (script) => {
      const answered = answerBatch(script, (s) =>
        s.name === "lock"
          ? { code: 0, output: "unlocked" }
          : s.name === "marker"
            ? { code: 0, output: "old" }
            : sectionOutput(s, false),
      );
      return answered ?? { code: 0, stdout: "", stderr: "" };
    });
    const j: HostJob = {
      host: inventoryHost("web1"),
      work: () => ({ resources: [resource], handlers: [], checks: engineChecksFor({}, "post1") }),
    };
    const connect = fakeConnector({ web1 });
    const result = await runHosts(
      [j],
      {
        command: "run",
        playbook: "p",
        apply: true,
        forks: 1,
        runId: "post1",
        startedAt: "t",
        owner: "me",
        checksAfterApply: true,
      },
      { connect: (h) => connect(h.name), emit: () => undefined, now: () => 0, cleanups: new HostCleanups() },
    );
    const scripts = web1.calls.map((c) => c.script);
    const firstProbe = readBatch(scripts[0] ?? "");
    assert.ok(
      firstProbe && !firstProbe.sections.some((s) => s.probe.includes("docker pull")),
      "no check in the first probe",
    );
    const step = scripts.indexOf("write-marker");
    const checks = scripts.findIndex((s) =>
      readBatch(s)?.sections.some((x) => x.probe.includes("docker pull")),
    );
    assert.ok(step > 0 && checks > step, "the checks ran after the step");
    assert.match(scripts.at(-1) ?? "", /rm -f \/run\/ops\.lock/, "and the lock was released after them");
    assert.equal(result.hosts[0]?.checks.length, allChecks.length);
    assert.equal(result.hosts[0]?.status, "changed");
  });
});
