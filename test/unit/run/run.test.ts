import { inventoryHost } from "../../helpers/inventory-host.js";
import assert from "node:assert/strict";
import { exitCodeFor } from "../../../src/cli/exit-codes.js";
import type { HostResult, OpsEvent } from "../../../src/events.js";
import type { Fact } from "../../../src/facts/fact.js";
import { change, noop, type Handler, type Resource } from "../../../src/resources/resource.js";
import { HostCleanups } from "../../../src/run/host-cleanups.js";
import type { HostJob } from "../../../src/run/host-pipeline.js";
import { Redactor } from "../../../src/run/redact.js";
import { runHosts } from "../../../src/run/run.js";
import { FakeTransport, fakeConnector, type FakeOptions } from "../../../src/transport/fake.js";
import type { ExecResult } from "../../../src/transport/transport.js";
import { MANAGERS, answerProbe, type RawFacts } from "../../helpers/fake-host.js";

const marker: Fact<string> = { name: "marker", probe: "cat /etc/marker", parse: (s) => s.trim() };
const fileFact: Fact<string> = { name: "other", probe: "cat /etc/other", parse: (s) => s.trim() };

/** Converges /etc/marker to `want`: a no-op when the fact already says so. */
const markerResource = (want: string, notify: string[] = []): Resource => ({
  id: "file:/etc/marker",
  facts: [marker],
  plan: (f) =>
    f.get(marker) === want
      ? noop(`/etc/marker says ${want}`)
      : change({ description: `write ${want} to /etc/marker`, script: "write-marker", stdin: want, notify }),
});

const handlers: Handler[] = [
  { name: "reload", step: { description: "reload the thing", script: "reload-thing" } },
];

function fakeHost(
  name: string,
  raw: RawFacts,
  rules: Record<string, number> = {},
  options: FakeOptions = {},
) {
  return new FakeTransport(
    name,
    (script) => {
      const probe = answerProbe(script, { lock: "unlocked", ...raw });
      if (probe) return probe;
      for (const [word, code] of Object.entries(rules)) {
        if (script.includes(word))
          return { code, stdout: "", stderr: code ? `${word} broke: secret-pw here` : "" };
      }
      return { code: 0, stdout: "", stderr: "" };
    },
    options,
  );
}

/** A job converging `resources` on host `name`. */
const job = (name: string, resources: Resource[]): HostJob => ({
  host: inventoryHost(name),
  work: () => ({ resources, handlers, checks: [] }),
});

async function run(
  fakes: Record<string, FakeTransport>,
  jobs: HostJob[],
  check = false,
  signal?: AbortSignal,
) {
  const events: OpsEvent[] = [];
  const connect = fakeConnector(fakes);
  // The runner's sink masks secrets before any event exists, as executeRun's does.
  const redactor = new Redactor(["secret-pw"]);
  const result = await runHosts(
    jobs,
    {
      command: "run",
      playbook: "test",
      apply: !check,
      forks: 4,
      runId: "run1",
      startedAt: "2026-01-01T00:00:00Z",
      owner: "me@here",
    },
    {
      connect: (h) => connect(h.name),
      emit: (e) => events.push(redactor.maskDeep(e)),
      now: () => 0,
      cleanups: new HostCleanups(),
      ...(signal ? { signal } : {}),
    },
  );
  const byHost = (n: string): HostResult => result.hosts.find((h) => h.host === n) as HostResult;
  const code = exitCodeFor({ command: "run", hosts: result.hosts, check, interrupted: result.interrupted });
  return { result, events, byHost, code };
}

describe("runHosts: the host pipeline with the fake transport", () => {
  it("a no-op run sends exactly one command per host after connecting", async () => {
    const fakes = { a: fakeHost("a", { marker: "v1" }), b: fakeHost("b", { marker: "v1" }) };
    const jobs = ["a", "b"].map((n) => job(n, [markerResource("v1")]));
    const { result, events, code } = await run(fakes, jobs);
    assert.deepEqual(
      result.hosts.map((h) => [h.host, h.status, h.commands]),
      [
        ["a", "ok", 1],
        ["b", "ok", 1],
      ],
    );
    assert.equal(fakes.a.calls.length, 1);
    assert.ok(fakes.a.closed);
    assert.ok(events.some((e) => e.kind === "noop" && e.reason === "/etc/marker says v1"));
    assert.equal(code, 0);
  });

  it("the host's facts reach its work before its batch is built, in the same one command", async () => {
    const debian = {
      "os-release": 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n\n@@release-file@@\n',
      kernel: "6.1.0-18-arm64 aarch64\n",
      [MANAGERS]: "",
      marker: "v1",
    };
    const fakes = { a: fakeHost("a", { marker: "v1" }), b: fakeHost("b", debian) };
    const seen: string[] = [];
    const jobs = ["a", "b"].map((n): HostJob => ({
      host: inventoryHost(n),
      work: (facts) => {
        seen.push(
          `${n}: ${facts.os.id} ${facts.os.codename} ${facts.arch} ${facts.packages?.manager ?? "none"}`,
        );
        // Each family gets its own resource: only the chosen one's facts are probed.
        const other: Resource = { id: "other", facts: [fileFact], plan: () => noop("other") };
        return { resources: [facts.packages ? markerResource("v1") : other], handlers, checks: [] };
      },
    }));
    const { result } = await run(fakes, jobs);
    assert.deepEqual(seen.sort(), ["a: rocky  x86_64 dnf", "b: debian bookworm aarch64 none"]);
    assert.deepEqual(
      result.hosts.map((h) => [h.host, h.status, h.commands]),
      [
        ["a", "ok", 1],
        ["b", "ok", 1],
      ],
    );
    assert.match(fakes.a.calls[0]?.script ?? "", /cat \/etc\/marker/);
    assert.match(fakes.b.calls[0]?.script ?? "", /cat \/etc\/other/);
    assert.doesNotMatch(fakes.b.calls[0]?.script ?? "", /cat \/etc\/marker/);
  });

  it("a host whose facts cannot be read fails, and nothing of its work is probed", async () => {
    const fakes = { a: fakeHost("a", { "os-release": "\n@@release-file@@\n" }) };
    let built = 0;
    const jobs: HostJob[] = [
      {
        host: inventoryHost("a"),
        work: () => {
          built++;
          return { resources: [markerResource("v1")], handlers, checks: [] };
        },
      },
    ];
    const { byHost } = await run(fakes, jobs);
    assert.equal(byHost("a").status, "failed");
    assert.match(byHost("a").error?.message ?? "", /os-release/);
    assert.equal(built, 0);
    assert.equal(fakes.a.calls[0]?.script, "exit 0\n");
  });

  it("applies steps in order under the host lock and runs a notified handler once", async () => {
    const fakes = { a: fakeHost("a", { marker: "old" }) };
    const jobs = [job("a", [markerResource("v2", ["reload"]), markerResource("v2", ["reload"])])];
    const { byHost } = await run(fakes, jobs);
    const scripts = fakes.a.calls.map((c) => c.script.split("\n")[0] ?? "");
    assert.match(scripts[1] ?? "", /set -C; printf/);
    assert.deepEqual(scripts.slice(2), ["write-marker", "write-marker", "reload-thing", scripts[5]]);
    assert.match(fakes.a.calls[5]?.script ?? "", /grep -qxF run=run1 \/run\/ops.lock.*rm -f \/run\/ops.lock/);
    assert.equal(fakes.a.calls[2]?.stdin, "v2");
    assert.equal(byHost("a").status, "changed");
  });

  it("--check plans and reports but sends nothing beyond the probe", async () => {
    const fakes = { a: fakeHost("a", { marker: "old" }) };
    const { result, events, code } = await run(fakes, [job("a", [markerResource("v2", ["reload"])])], true);
    assert.equal(fakes.a.calls.length, 1);
    assert.equal(result.hosts[0]?.status, "changed");
    assert.ok(events.some((e) => e.kind === "step-planned" && e.description === "write v2 to /etc/marker"));
    // --check also says which handlers the change would run.
    assert.ok(events.some((e) => e.kind === "handler-planned" && e.handler === "reload"));
    assert.deepEqual(result.hosts[0]?.handlers, ["reload"]);
    assert.equal(code, 3);
  });

  it("one failing and one unreachable host do not stop the others; secrets are masked", async () => {
    const fakes = {
      bad: fakeHost("bad", { marker: "old" }, { "write-marker": 5 }),
      good: fakeHost("good", { marker: "old" }),
      gone: fakeHost("gone", {}, {}, { unreachable: "connection refused" }),
    };
    const jobs = ["bad", "good", "gone"].map((n) => job(n, [markerResource("v2")]));
    const { events, byHost, code } = await run(fakes, jobs);
    assert.equal(byHost("bad").status, "failed");
    assert.equal(byHost("good").status, "changed");
    assert.equal(byHost("gone").status, "unreachable");
    const failure = events.find((e) => e.kind === "host-failed");
    assert.ok(failure && failure.kind === "host-failed");
    assert.match(failure.error.message, /write-marker broke/);
    assert.doesNotMatch(JSON.stringify(events), /secret-pw/);
    assert.ok(
      fakes.bad.calls.some((c) => c.script.includes("rm -f /run/ops.lock")),
      "lock released after failure",
    );
    assert.equal(code, 2);
  });

  it("refuses a host another run holds", async () => {
    const fakes = {
      a: fakeHost("a", { marker: "old", lock: "locked\nowner=bob@box\nrun=other\nstarted=2026-01-01" }),
    };
    const { byHost, events } = await run(fakes, [job("a", [markerResource("v2")])]);
    assert.equal(byHost("a").status, "failed");
    assert.equal(fakes.a.calls.length, 1);
    assert.ok(
      events.some(
        (e) =>
          e.kind === "host-failed" &&
          /another ops run is working on this host \(run other by bob@box/.test(e.error.message),
      ),
    );
  });

  it("a connection dropped mid-run marks only that host unreachable", async () => {
    const fakes = { a: fakeHost("a", { marker: "old" }, {}, { dropAfter: 2 }) };
    const { byHost } = await run(fakes, [job("a", [markerResource("v2")])]);
    assert.equal(byHost("a").status, "unreachable");
  });

  it("Ctrl-C: the step in flight finishes, no further step starts, the lock is released", async () => {
    const controller = new AbortController();
    const a = new FakeTransport("a", (script) => {
      const probe = answerProbe(script, { lock: "unlocked", marker: "old" });
      if (probe) return probe;
      if (script.includes("write-marker")) controller.abort(); // Ctrl-C while the first step runs
      return { code: 0, stdout: "", stderr: "" };
    });
    const jobs = [job("a", [markerResource("v2"), markerResource("v2")])];
    const { byHost, events } = await run({ a }, jobs, false, controller.signal);
    assert.equal(a.calls.filter((c) => c.script === "write-marker").length, 1, "a second step started");
    assert.ok(a.calls.at(-1)?.script.includes("rm -f /run/ops.lock"), "the lock was not released");
    assert.equal(byHost("a").status, "failed");
    assert.ok(events.some((e) => e.kind === "host-failed" && /interrupted before/.test(e.error.message)));
  });

  it("Ctrl-C before a host starts: it is not contacted at all", async () => {
    const controller = new AbortController();
    controller.abort();
    const a = fakeHost("a", { marker: "old" });
    const b = fakeHost("b", { marker: "old" });
    const { byHost, events, code } = await run(
      { a, b },
      [job("a", [markerResource("v2")]), job("b", [markerResource("v2")])],
      false,
      controller.signal,
    );
    assert.equal(a.calls.length + b.calls.length, 0);
    assert.equal(byHost("a").status, "not-started");
    assert.equal(byHost("b").status, "not-started");
    assert.ok(!events.some((e) => e.kind === "host-failed"), "a host not started is not a failure");
    assert.equal(code, 130);
  });

  it("a step marked showOutput reports the end of what it printed; others do not", async () => {
    const a = new FakeTransport("a", (script) => {
      const probe = answerProbe(script, { lock: "unlocked", marker: "old" });
      if (probe) return probe;
      return { code: 0, stdout: "noise\nops-gc bytes_before=10 bytes_after=2\n", stderr: "" };
    });
    const gc: Resource = {
      id: "gc",
      facts: [marker],
      plan: () => change({ description: "collect", script: "gc.sh", showOutput: true }),
    };
    const { byHost, events } = await run({ a }, [job("a", [gc, markerResource("v2")])]);
    assert.deepEqual(
      byHost("a").applied.map((s) => s.output),
      ["noise\nops-gc bytes_before=10 bytes_after=2", undefined],
    );
    assert.ok(events.some((e) => e.kind === "step-ran" && e.output?.includes("bytes_after=2")));
  });

  it("an exit at once (second signal, fatal error) while a host releases its lock waits for that release", async () => {
    const cleanups = new HostCleanups();
    let release: (r: ExecResult) => void = () => undefined;
    let lastResort: Promise<string[]> | undefined;
    const a = new FakeTransport("a", (script) => {
      const probe = answerProbe(script, { lock: "unlocked", marker: "old" });
      if (probe) return probe;
      if (!script.includes("rm -f /run/ops.lock")) return { code: 0, stdout: "", stderr: "" };
      // The release is on its way to the host when the process is told to end now.
      setImmediate(() => (lastResort = cleanups.runAll(5_000)));
      return new Promise<ExecResult>((r) => (release = r));
    });
    const running = runHosts(
      [job("a", [markerResource("v2")])],
      { command: "run", playbook: "t", apply: true, forks: 1, runId: "run1", startedAt: "t", owner: "me" },
      { connect: () => Promise.resolve(a), emit: () => undefined, now: () => 0, cleanups },
    );
    while (lastResort === undefined) await new Promise((r) => setTimeout(r, 5));
    const first = await Promise.race([lastResort, new Promise((r) => setTimeout(() => r("waiting"), 50))]);
    assert.equal(first, "waiting", "the exit did not wait for the lock release in flight");
    release({ code: 0, stdout: "", stderr: "" });
    assert.deepEqual(await lastResort, ["a"]);
    await running;
    assert.equal(a.calls.filter((c) => c.script.includes("rm -f /run/ops.lock")).length, 1, "released once");
  });
});
