import assert from "node:assert/strict";
import type { HostSummary, OpsEvent } from "../../../src/events.js";
import { linesReporter } from "../../../src/report/lines.js";
import { summaryText } from "../../../src/report/format.js";

const summary = (host: string, status: HostSummary["status"], changed = 0): HostSummary => ({
  host,
  status,
  ok: 3,
  changed,
  failed: status === "failed" ? 1 : 0,
  commands: 1,
  ms: 1500,
  plan: [],
  applied: [],
  handlers: [],
  checks: [],
});

function collect(opts: { check?: boolean; diff?: boolean; verbose?: boolean }, events: OpsEvent[]): string {
  let out = "";
  const sink = linesReporter({
    write: (t) => (out += t),
    check: false,
    diff: false,
    verbose: false,
    ...opts,
  });
  events.forEach(sink);
  return out;
}

describe("plain-line reporter", () => {
  it("prints changes, failures with hints, and the summary; no-op reasons only when verbose", () => {
    const events: OpsEvent[] = [
      { kind: "noop", host: "a", resource: "r", reason: "docker is active and enabled" },
      { kind: "step-ran", host: "a", resource: "r", description: "install docker-ce", ms: 2500 },
      {
        kind: "host-failed",
        host: "b",
        error: { kind: "step", message: "dnf failed", hint: "check the repo" },
      },
      {
        kind: "run-done",
        command: "run",
        hosts: [summary("a", "changed", 1), summary("b", "failed")],
        ms: 3000,
        check: false,
        interrupted: false,
      },
    ];
    const out = collect({}, events);
    assert.match(out, /^a: changed: install docker-ce \(2\.5s\)$/m);
    assert.match(out, /^b: FAILED: dnf failed\n {2}hint: check the repo$/m);
    assert.match(out, /2 hosts: 0 ok, 1 changed, 1 failed, 0 unreachable in 3\.0s/);
    assert.doesNotMatch(out, /active and enabled/);
    assert.match(collect({ verbose: true }, events), /^a: ok: docker is active and enabled$/m);
  });

  it("prints a no-op that is a requested result (a dry run's listing) without -v, every line of it", () => {
    const listing = "dry run: would delete 1 manifest(s)\n  delete team/app@sha256:ab 1.0 KiB\x1b[2J";
    const out = collect({}, [
      { kind: "noop", host: "reg", resource: "registry:gc", reason: listing, show: true },
    ]);
    assert.match(
      out,
      /^reg: ok: dry run: would delete 1 manifest\(s\)\n {2}delete team\/app@sha256:ab 1\.0 KiB/m,
    );
    assert.ok(!out.includes("\u001b"), "host text is still made printable");
  });

  it("in --check says what would change and prints diffs with --diff", () => {
    const out = collect({ check: true, diff: true }, [
      {
        kind: "step-planned",
        host: "a",
        resource: "r",
        description: "update daemon.json",
        diff: "+ registry-mirrors: [1]",
      },
    ]);
    assert.match(out, /^--- a: update daemon\.json\n\+ registry-mirrors: \[1\]$/m);
    assert.match(out, /^a: would update daemon\.json$/m);
  });
});

describe("summaryText", () => {
  it("says so when every host was already converged", () => {
    assert.match(
      summaryText([summary("a", "ok"), summary("b", "ok")], 500, false),
      /no changes: every host already converged/,
    );
  });
  it("speaks of what would change in --check", () => {
    const text = summaryText([summary("a", "changed", 2)], 500, true);
    assert.match(text, /^a\s+would change\s+ok=3 changed=2 failed=0/m);
    assert.match(text, /1 would change/);
  });
});

describe("a step whose output is its result", () => {
  it("is printed under the change", () => {
    let out = "";
    const sink = linesReporter({ write: (t) => (out += t), check: false, diff: false, verbose: false });
    sink({
      kind: "step-ran",
      host: "reg",
      resource: "registry-gc",
      description: "garbage-collect the registry",
      ms: 4200,
      output: "ops-gc bytes_before=31500000 bytes_after=2000 tags_removed=1",
    });
    assert.match(
      out,
      /^reg: changed: garbage-collect the registry \(4\.2s\)\n {2}\| ops-gc bytes_before=31500000/m,
    );
  });
});
