/**
 * A whole run through executeRun with the fake transport: run-wide steps run once however many
 * hosts there are and reach every host's resources; secret variables never reach an event; playbook
 * mistakes are configuration errors found before any host is touched.
 */
import { strict as assert } from "node:assert";
import Type from "typebox";
import { ConfigError } from "../../../src/errors.js";
import type { OpsEvent } from "../../../src/events.js";
import { file as fileFact } from "../../../src/facts/file.js";
import type { Fact } from "../../../src/facts/fact.js";
import { definePlaybook, type Playbook } from "../../../src/playbook.js";
import { change, noop, type Resource } from "../../../src/resources/resource.js";
import { executeRun } from "../../../src/run/execute.js";
import { HostCleanups } from "../../../src/run/host-cleanups.js";
import type { LoadedPlaybook, PreparedRun } from "../../../src/run/prepare.js";
import { FakeTransport } from "../../../src/transport/fake.js";
import { answerProbe } from "../../helpers/fake-host.js";
import { inventoryHost } from "../../helpers/inventory-host.js";

const marker: Fact<string> = { name: "marker", probe: "cat /etc/marker", parse: (s) => s.trim() };
const writeMarker = (want: string, notify: string[] = []): Resource => ({
  id: "file:/etc/marker",
  facts: [marker],
  notifies: notify,
  plan: (f) =>
    f.get(marker) === want
      ? noop(`/etc/marker says ${want}`)
      : change({ description: `write ${want} to /etc/marker`, script: "write-marker", stdin: want, notify }),
});

type AnyPlaybook = Playbook<Record<string, unknown>>;

function prepared(names: string[], vars: Record<string, unknown> = {}, secrets: string[] = []): PreparedRun {
  return {
    inventory: { file: "hosts.yaml", hosts: names.map((n) => inventoryHost(n)), groups: { all: names } },
    inventoryDir: "/tmp",
    targets: names.map((n) => ({ host: inventoryHost(n), vars: { ...vars }, sources: {} })),
    everyHost: names.map((n) => inventoryHost(n)),
    secrets,
  };
}

async function execute(
  playbook: AnyPlaybook,
  run: PreparedRun,
  fakes: Map<string, FakeTransport>,
  apply = true,
  signal: AbortSignal = new AbortController().signal,
) {
  const events: OpsEvent[] = [];
  const loaded: LoadedPlaybook[] = [{ playbook }];
  const result = await executeRun(
    {
      command: "run",
      playbooks: loaded,
      prepared: run,
      stages: { resources: true, checks: false },
      apply,
      yes: false,
      forks: 8,
      runId: "run1",
      startedAt: "2026-01-01T00:00:00Z",
      owner: "me@here",
    },
    {
      connect: async (h) => {
        const t = fakes.get(h.name);
        if (!t) throw new Error(`no fake for ${h.name}`);
        return t;
      },
      sink: (e) => events.push(e),
      now: () => 0,
      signal,
      cleanups: new HostCleanups(),
    },
  );
  return { result, events };
}

const host = (name: string, marker: string) =>
  new FakeTransport(
    name,
    (script) => answerProbe(script, { lock: "unlocked", marker }) ?? { code: 0, stdout: "", stderr: "" },
  );

describe("executeRun", () => {
  it("runs a run-wide step once for 50 hosts and gives its output to every host's resources", async () => {
    const names = Array.from({ length: 50 }, (_, i) => `h${i}`);
    let runs = 0;
    const seen = new Set<number>();
    const playbook = definePlaybook<Record<string, unknown>>({
      name: "shared",
      description: "a value made once on the control machine, written on every host",
      variables: { type: "object", properties: {} },
      runSteps: [
        {
          name: "make-ca",
          when: "before",
          run: async (ctx) => {
            runs++;
            assert.equal(ctx.targets.length, 50);
            return { serial: 4242 };
          },
        },
      ],
      resources: (_vars, _host, run) => {
        const out = run.outputs["make-ca"] as { serial: number };
        seen.add(out.serial);
        return [writeMarker(`serial ${out.serial}`)];
      },
    });
    const fakes = new Map(names.map((n) => [n, host(n, "old")]));
    const { result } = await execute(playbook, prepared(names), fakes);
    assert.equal(runs, 1);
    assert.deepEqual([...seen], [4242]);
    assert.equal(result.hosts.filter((h) => h.status === "changed").length, 50);
    assert.equal(fakes.get("h7")?.calls.find((c) => c.script === "write-marker")?.stdin, "serial 4242");
  });

  it("an after step sees every host's result; a failing before step stops the run before any host", async () => {
    let afterSaw = 0;
    const ok = definePlaybook<Record<string, unknown>>({
      name: "after",
      description: "",
      variables: { type: "object", properties: {} },
      runSteps: [{ name: "collect", when: "after", run: async (ctx) => (afterSaw = ctx.results.length) }],
      resources: () => [writeMarker("v1")],
    });
    await execute(
      ok,
      prepared(["a", "b"]),
      new Map([
        ["a", host("a", "v1")],
        ["b", host("b", "v1")],
      ]),
    );
    assert.equal(afterSaw, 2);

    const broken = {
      ...ok,
      runSteps: [
        {
          name: "make-ca",
          when: "before" as const,
          run: async () => {
            throw new Error("disk full");
          },
        },
      ],
    };
    const a = host("a", "v1");
    await assert.rejects(execute(broken, prepared(["a"]), new Map([["a", a]])), /make-ca failed: disk full/);
    assert.equal(a.calls.length, 0);
  });

  it("an always step cleans up last, after a failed before step or a signal too; its own failure fails a run that went well", async () => {
    const seen: string[] = [];
    const steps = (failBefore: boolean, failCleanup: boolean) =>
      definePlaybook<Record<string, unknown>>({
        name: "framed",
        description: "",
        variables: { type: "object", properties: {} },
        runSteps: [
          {
            name: "push",
            when: "before",
            run: async (ctx) => {
              seen.push(`push ${ctx.command} ${ctx.runId}`);
              if (failBefore) throw new Error("registry down");
            },
          },
          {
            name: "cleanup",
            when: "after",
            always: true,
            run: async () => {
              seen.push("cleanup");
              if (failCleanup) throw new Error("storage busy");
            },
          },
          { name: "report", when: "after", run: async () => seen.push("report") },
        ],
        resources: () => [writeMarker("v1")],
      });
    const fakes = () => new Map([["a", host("a", "v1")]]);
    await execute(steps(false, false), prepared(["a"]), fakes());
    assert.deepEqual(seen.splice(0), ["push run run1", "report", "cleanup"]);
    await assert.rejects(execute(steps(true, false), prepared(["a"]), fakes()), /push failed: registry down/);
    assert.deepEqual(seen.splice(0), ["push run run1", "cleanup"]);
    // A failed cleanup keeps the first error; after a good run it is the run's error.
    await assert.rejects(execute(steps(true, true), prepared(["a"]), fakes()), /push failed: registry down/);
    seen.splice(0);
    await assert.rejects(
      execute(steps(false, true), prepared(["a"]), fakes()),
      /cleanup failed: storage busy/,
    );
    seen.splice(0);
    const stop = new AbortController();
    stop.abort();
    const { result } = await execute(steps(false, false), prepared(["a"]), fakes(), true, stop.signal);
    assert.equal(result.interrupted, true);
    assert.deepEqual(seen.splice(0), ["cleanup"]);
  });

  it("masks every secret variable, and values a step marks secret, in every event", async () => {
    const schema = Type.Object({ app_password: Type.String({ "x-ops-secret": true, default: "" }) });
    const playbook = definePlaybook({
      name: "secretive",
      description: "",
      variables: schema,
      runSteps: [
        {
          name: "token",
          when: "before",
          readOnly: true,
          run: async (ctx) => {
            ctx.secret("tok-made-at-run-time");
            return "tok-made-at-run-time";
          },
        },
      ],
      resources: (vars, _host, run) => [
        writeMarker(`pw=${vars.app_password} token=${String(run.outputs.token)}`),
        {
          id: "fails",
          facts: [],
          plan: () => ({
            kind: "fail",
            message: `bad ${vars.app_password}`,
            hint: `try ${vars.app_password}`,
          }),
        },
      ],
    });
    const run = prepared(["a"], { app_password: "hunter2" }, ["hunter2"]);
    const { events } = await execute(
      playbook as unknown as AnyPlaybook,
      run,
      new Map([["a", host("a", "old")]]),
      false,
    );
    const text = JSON.stringify(events);
    assert.doesNotMatch(text, /hunter2|tok-made-at-run-time/);
    assert.match(text, /pw=\*{8} token=\*{8}/);
  });

  it("a notify no handler answers is a configuration error before any host is contacted", async () => {
    const playbook = definePlaybook<Record<string, unknown>>({
      name: "typo",
      description: "",
      variables: { type: "object", properties: {} },
      resources: () => [writeMarker("v2", ["relaod"])],
      handlers: () => [{ name: "reload", step: { description: "reload", script: "reload" } }],
    });
    const a = host("a", "old");
    await assert.rejects(
      execute(playbook, prepared(["a"]), new Map([["a", a]])),
      (e: unknown) =>
        e instanceof ConfigError && /notifies handler 'relaod'/.test(e.message) && /reload/.test(e.message),
    );
    assert.equal(a.calls.length, 0);
  });

  it("a playbook's own code that throws is a configuration error, not a bug in ops", async () => {
    const playbook = definePlaybook<Record<string, unknown>>({
      name: "throws",
      description: "",
      variables: { type: "object", properties: {} },
      resources: () => {
        throw new TypeError("cannot read properties of undefined (reading 'x')");
      },
    });
    await assert.rejects(
      execute(playbook, prepared(["a"]), new Map([["a", host("a", "old")]])),
      (e: unknown) =>
        e instanceof ConfigError &&
        /playbook 'throws': listing its resources and checks failed/.test(e.message),
    );
  });

  it("builds each host's work only when the host's turn comes", async () => {
    const names = ["a", "b", "c"];
    let built = 0;
    const playbook = definePlaybook<Record<string, unknown>>({
      name: "lazy",
      description: "",
      variables: { type: "object", properties: {} },
      resources: () => {
        built++;
        return [writeMarker("v1"), { id: "f", facts: [fileFact("/etc/hostname")], plan: () => noop("ok") }];
      },
    });
    await execute(playbook, prepared(names), new Map(names.map((n) => [n, host(n, "v1")])));
    // once per host and sample family (rpm, deb) to check the work before connecting, once per host when it runs
    assert.equal(built, 9);
  });

  it("an error leaving the run never carries a secret: a playbook's own, or a step's", async () => {
    const leaky = definePlaybook<Record<string, unknown>>({
      name: "leaky",
      description: "",
      variables: { type: "object", properties: {} },
      resources: () => {
        throw new Error("cannot log in as admin:hunter2");
      },
    });
    await assert.rejects(
      execute(leaky, prepared(["a"], {}, ["hunter2"]), new Map([["a", host("a", "old")]])),
      (e: unknown) =>
        e instanceof ConfigError && !e.message.includes("hunter2") && e.message.includes("admin:********"),
    );
    const step = {
      ...leaky,
      resources: () => [],
      runSteps: [
        {
          name: "s",
          when: "before" as const,
          run: async () => {
            throw new Error("pw hunter2 refused");
          },
        },
      ],
    };
    await assert.rejects(
      execute(step, prepared(["a"], {}, ["hunter2"]), new Map([["a", host("a", "old")]])),
      (e: unknown) => e instanceof Error && /pw \*{8} refused/.test(e.message),
    );
  });
});
