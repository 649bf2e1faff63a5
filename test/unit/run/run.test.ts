import { inventoryHost } from "../../helpers/inventory-host.js";
import assert from "node:assert/strict";
import type { HostSummary, OpsEvent } from "../../../src/events.js";
import type { Fact } from "../../../src/facts/fact.js";
import { change, noop, type Handler, type Resource } from "../../../src/resources/resource.js";
import { Redactor } from "../../../src/run/redact.js";
import type { HostJob } from "../../../src/run/run-host.js";
import { runExitCode, runJobs } from "../../../src/run/run.js";
import { FakeTransport, fakeConnector, type FakeOptions } from "../../../src/transport/fake.js";
import { answerProbe, type RawFacts } from "../../helpers/fake-host.js";

const marker: Fact<string> = { name: "marker", probe: "cat /etc/marker", parse: (s) => s.trim() };

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

async function run(
  fakes: Record<string, FakeTransport>,
  jobs: HostJob[],
  check = false,
  signal?: AbortSignal,
) {
  const events: OpsEvent[] = [];
  const connect = fakeConnector(fakes);
  const result = await runJobs(
    "test",
    jobs,
    { check, forks: 4, runId: "run1", startedAt: "2026-01-01T00:00:00Z", owner: "me@here" },
    {
      connect: (h) => connect(h.name),
      emit: (e) => events.push(e),
      redactor: new Redactor(["secret-pw"]),
      now: () => 0,
      ...(signal ? { signal } : {}),
    },
  );
  const byHost = (n: string): HostSummary => result.hosts.find((h) => h.host === n) as HostSummary;
  return { result, events, byHost };
}

describe("runJobs / runHost with the fake transport", () => {
  it("a no-op run sends exactly one command per host after connecting", async () => {
    const fakes = { a: fakeHost("a", { marker: "v1" }), b: fakeHost("b", { marker: "v1" }) };
    const jobs = ["a", "b"].map((n) => ({
      host: inventoryHost(n),
      resources: [markerResource("v1")],
      handlers,
    }));
    const { result, events } = await run(fakes, jobs);
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
    assert.equal(runExitCode(result.hosts, false), 0);
  });

  it("applies steps in order under the host lock and runs a notified handler once", async () => {
    const fakes = { a: fakeHost("a", { marker: "old" }) };
    const jobs = [
      {
        host: inventoryHost("a"),
        resources: [markerResource("v2", ["reload"]), markerResource("v2", ["reload"])],
        handlers,
      },
    ];
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
    const { result, events } = await run(
      fakes,
      [{ host: inventoryHost("a"), resources: [markerResource("v2")], handlers }],
      true,
    );
    assert.equal(fakes.a.calls.length, 1);
    assert.equal(result.hosts[0]?.status, "changed");
    assert.ok(events.some((e) => e.kind === "step-planned" && e.description === "write v2 to /etc/marker"));
    assert.equal(runExitCode(result.hosts, true), 3);
  });

  it("one failing and one unreachable host do not stop the others; secrets are masked", async () => {
    const fakes = {
      bad: fakeHost("bad", { marker: "old" }, { "write-marker": 5 }),
      good: fakeHost("good", { marker: "old" }),
      gone: fakeHost("gone", {}, {}, { unreachable: "connection refused" }),
    };
    const jobs = ["bad", "good", "gone"].map((n) => ({
      host: inventoryHost(n),
      resources: [markerResource("v2")],
      handlers,
    }));
    const { result, events, byHost } = await run(fakes, jobs);
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
    assert.equal(runExitCode(result.hosts, false), 2);
  });

  it("refuses a host another run holds", async () => {
    const fakes = {
      a: fakeHost("a", { marker: "old", lock: "locked\nowner=bob@box\nrun=other\nstarted=2026-01-01" }),
    };
    const { byHost, events } = await run(fakes, [
      { host: inventoryHost("a"), resources: [markerResource("v2")], handlers },
    ]);
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
    const { byHost } = await run(fakes, [
      { host: inventoryHost("a"), resources: [markerResource("v2")], handlers },
    ]);
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
    const jobs = [
      { host: inventoryHost("a"), resources: [markerResource("v2"), markerResource("v2")], handlers },
    ];
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
    const { byHost } = await run(
      { a },
      [{ host: inventoryHost("a"), resources: [markerResource("v2")], handlers }],
      false,
      controller.signal,
    );
    assert.equal(a.calls.length, 0);
    assert.equal(byHost("a").status, "failed");
  });
});
