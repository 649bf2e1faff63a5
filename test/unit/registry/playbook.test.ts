import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
/**
 * deploy-registry planned against simulated hosts: the run-wide TLS step once, the registry host's
 * and an engine host's resources, a fresh host converging, and the host a first run leaves behind
 * planning no step (the second run is a no-op), then a password change planning only htpasswd and
 * a reload.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeployRegistryVars } from "../../../playbooks/deploy-registry.vars.js";
import playbook, { stackSpec } from "../../../playbooks/deploy-registry.js";
import gcPlaybook from "../../../playbooks/registry-gc.js";
import type { RunContext, RunStepContext } from "../../../src/playbook.js";
import { renderStack } from "../../../src/registry/stack.js";
import { registryModel } from "../../../src/registry/model.js";
import { TLS_STEP, type TlsOutput } from "../../../src/registry/tls-step.js";
import { applied, daemonJsonFile, freshFacts, planAll, runningEngine } from "./support/host-sim.js";
import { SAMPLE_VARS, varsWith } from "./support/sample.js";

const reg = { name: "reg1", address: "10.0.0.5", groups: ["all", "registry"], facts: SAMPLE_HOST_FACTS.el9 };
const engine = {
  name: "eng1",
  address: "10.0.0.6",
  groups: ["all", "engines"],
  facts: SAMPLE_HOST_FACTS.el9,
};

/** A run-wide step's context in a run that changes nothing (--check, verify). */
function readOnlyContext(
  targets: RunStepContext<DeployRegistryVars>["targets"],
  inventoryDir: string,
): RunStepContext<DeployRegistryVars> {
  return {
    targets,
    inventoryDir,
    check: true,
    outputs: {},
    exec: () => Promise.reject(new Error("no round trip")),
    secret: () => undefined,
    results: [],
    signal: new AbortController().signal,
  };
}

describe("deploy-registry playbook", () => {
  let dir: string;
  let vars: DeployRegistryVars;
  let run: RunContext;
  const secrets: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "ops-inv-"));
    vars = varsWith({ ...SAMPLE_VARS, registry_proxy_cache: { enabled: true } });
    const ctx: RunStepContext<DeployRegistryVars> = {
      targets: [
        { host: reg, vars },
        { host: engine, vars },
      ],
      inventoryDir: dir,
      check: false,
      outputs: {},
      exec: () => Promise.reject(new Error("the TLS step needs no round trip")),
      secret: (s) => secrets.push(s),
      results: [],
      signal: new AbortController().signal,
    };
    const step = playbook.runSteps?.find((s) => s.name === "registry-tls");
    const clients = playbook.runSteps?.find((s) => s.name === "registry-proxy-clients");
    assert.ok(step && clients);
    run = {
      yes: false,
      runId: "abc123",
      outputs: { [TLS_STEP]: await step.run(ctx), [clients.name]: await clients.run(ctx) },
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("the TLS step finds the registry, signs for its address, and marks the key secret", () => {
    const out = run.outputs[TLS_STEP] as TlsOutput;
    assert.equal(out.registries.length, 1);
    const r = out.registries[0]!;
    assert.deepEqual([r.host, r.endpoint, r.proxyEndpoint], ["reg1", "10.0.0.5:443", "10.0.0.5:5443"]);
    assert.ok(secrets.includes(r.server?.keyPem ?? "?"));
  });

  it("a run of engine hosts alone finds the registry by registry_hostname and the CA kept beside the inventory", async () => {
    const step = playbook.runSteps?.find((s) => s.name === "registry-tls");
    assert.ok(step);
    const engines = (over: Partial<DeployRegistryVars>) =>
      step.run(readOnlyContext([{ host: engine, vars: { ...vars, ...over } }], dir)) as Promise<TlsOutput>;
    await assert.rejects(engines({}), /registry_hostname is not set/);
    const out = await engines({ registry_hostname: "registry.lan" });
    const first = (run.outputs[TLS_STEP] as TlsOutput).registries[0];
    assert.deepEqual(out.registries, [
      {
        host: null,
        endpoint: "registry.lan:443",
        proxyEndpoint: "registry.lan:5443",
        tls: true,
        caPem: first?.caPem,
        server: null,
      },
    ]);
  });

  it("an engine host only trusts the registry and its proxy cache through certs.d", () => {
    const steps = planAll(
      playbook.resources(vars, engine, run),
      freshFacts(playbook.resources(vars, engine, run)),
    );
    assert.deepEqual(
      steps.map((s) => s.id),
      [
        "file:/etc/docker/certs.d/10.0.0.5:443/ca.crt",
        "file:/etc/docker/certs.d/10.0.0.5/ca.crt",
        "file:/etc/docker/certs.d/10.0.0.5:5443/ca.crt",
      ],
    );
    const ca = (run.outputs[TLS_STEP] as TlsOutput).registries[0]?.caPem;
    assert.equal(String(steps[0]?.steps[0]?.stdin), ca);
  });

  it("plain HTTP: an engine host adds the registry and its proxy cache to insecure-registries in one edit; absent takes out both in one, keeping the others", async () => {
    const plain = varsWith({
      ...SAMPLE_VARS,
      registry_tls: false,
      registry_port: 5000,
      registry_proxy_cache: { enabled: true },
    });
    const runOf = async (v: DeployRegistryVars): Promise<RunContext> => {
      const ctx: RunStepContext<DeployRegistryVars> = {
        ...readOnlyContext(
          [
            { host: reg, vars: v },
            { host: engine, vars: v },
          ],
          dir,
        ),
        check: false,
      };
      const outputs: Record<string, unknown> = {};
      for (const step of playbook.runSteps ?? [])
        if (step.name === "registry-tls" || step.name === "registry-proxy-clients")
          outputs[step.name] = await step.run({ ...ctx, outputs });
      return { yes: false, runId: "abc123", outputs };
    };
    const present = await runOf(plain);
    const resources = playbook.resources(plain, engine, present);
    const fresh = freshFacts(resources);
    // A hand-set entry the run must keep.
    fresh.set("file:/etc/docker/daemon.json", daemonJsonFile({ "insecure-registries": ["10.9.9.9:5000"] }));
    const first = planAll(resources, fresh);
    const edits = first.filter((s) => s.steps.some((st) => st.description.includes("daemon.json")));
    assert.deepEqual(
      edits.map((s) => s.id),
      ["insecure-registries:add:10.0.0.5:5000,10.0.0.5:5443"],
    );
    const written = JSON.parse(String(edits[0]?.steps[0]?.stdin)) as Record<string, unknown>;
    assert.deepEqual(written["insecure-registries"], ["10.9.9.9:5000", "10.0.0.5:5000", "10.0.0.5:5443"]);

    // The host as that edit and the engine's reload left it: nothing more to do.
    const after = new Map(fresh);
    after.set("file:/etc/docker/daemon.json", daemonJsonFile(written));
    after.set("docker-daemon", runningEngine(written["insecure-registries"] as string[]));
    assert.deepEqual(planAll(playbook.resources(plain, engine, present), after), []);

    // registry_state: absent: one edit takes both out; the hand-set entry stays.
    const gone = { ...plain, registry_state: "absent" as const };
    const absent = planAll(playbook.resources(gone, engine, await runOf(gone)), after);
    assert.deepEqual(
      absent.map((s) => s.id),
      ["insecure-registries:remove:10.0.0.5:5000,10.0.0.5:5443"],
    );
    const left = JSON.parse(String(absent[0]?.steps[0]?.stdin)) as Record<string, unknown>;
    assert.deepEqual(left["insecure-registries"], ["10.9.9.9:5000"]);
  });

  it("a fresh registry host converges in order, and the host it leaves behind plans no step", () => {
    const resources = playbook.resources(vars, reg, run);
    const fresh = freshFacts(resources);
    const first = planAll(resources, fresh).map((s) => s.id);
    assert.equal(first[0], "directory:/opt/ops-registry");
    assert.equal(first.at(-1), "file:/etc/docker/certs.d/10.0.0.5:5443/ca.crt");
    assert.ok(first.indexOf("compose:ops-registry") > first.indexOf("file:/opt/ops-registry/nginx/htpasswd"));
    const services = renderStack(stackSpec(vars, reg), registryModel(vars), null).services;
    const after = applied(resources, fresh, services);
    assert.deepEqual(
      planAll(playbook.resources(vars, reg, run), after),
      [],
      "the second run changes nothing",
    );
  });

  it("a changed password rewrites only htpasswd and notifies the nginx reload; no container is recreated", () => {
    const resources = playbook.resources(vars, reg, run);
    const services = renderStack(stackSpec(vars, reg), registryModel(vars), null).services;
    const after = applied(resources, freshFacts(resources), services);
    const users = vars.registry_users.map((u) =>
      u.name === "dev" ? { ...u, password: "a-new-password" } : u,
    );
    const next = planAll(playbook.resources({ ...vars, registry_users: users }, reg, run), after);
    assert.deepEqual(
      next.map((s) => s.id),
      ["file:/opt/ops-registry/nginx/htpasswd"],
    );
    assert.deepEqual(next[0]?.steps[0]?.notify, ["registry-nginx-reload"]);
    assert.doesNotMatch(next[0]?.steps[0]?.diff ?? "", /\$2b\$/, "no hash in the diff");
  });

  it("a port taken by another program fails the host before any step", () => {
    const resources = playbook.resources(vars, reg, run);
    assert.throws(
      () => planAll(resources, freshFacts(resources, [22, 5443])),
      /port 5443 is in use on this host/,
    );
  });

  it("registry-gc runs gc.sh on the registry host only", () => {
    assert.deepEqual(gcPlaybook.resources(vars, engine, run), []);
    const [gc] = gcPlaybook.resources(vars, reg, run);
    assert.ok(gc);
    assert.throws(() => planAll([gc], freshFacts([gc])), /deploy-registry has not run/);
  });

  it("the proxy cache's allow list holds every host of the inventory, --limit or not, and registry_proxy_cache.allow", async () => {
    const clients = playbook.runSteps?.find((s) => s.name === "registry-proxy-clients");
    assert.ok(clients);
    const limited = { ...vars, registry_proxy_cache: { enabled: true, allow: ["10.8.0.0/24"] } };
    const out = (await clients.run({
      ...readOnlyContext([{ host: reg, vars: limited }], dir),
      inventoryHosts: [reg, engine, { name: "other", address: "10.0.0.99", groups: [] }],
    })) as { allow: string[] };
    assert.deepEqual(
      out.allow,
      [...new Set([reg.address, engine.address, "10.0.0.99", "10.8.0.0/24"])].sort(),
    );
  });
});
