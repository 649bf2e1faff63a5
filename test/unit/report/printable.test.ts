import assert from "node:assert/strict";
import fc from "fast-check";
import type { HostResult, OpsEvent } from "../../../src/events.js";
import { junitReporter } from "../../../src/report/junit-reporter.js";
import { linesReporter } from "../../../src/report/lines.js";
import { printable } from "../../../src/report/printable.js";

const EVIL = "web\r\u001b[2Kel9-1: ok\u0007";

const result = (host: string, over: Partial<HostResult> = {}): HostResult => ({
  host,
  status: "failed",
  ok: 0,
  changed: 0,
  failed: 1,
  commands: 1,
  ms: 5,
  plan: [],
  applied: [],
  handlers: [],
  checks: [],
  ...over,
});

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_LINE = /[\u0000-\u001F\u007F-\u009F]/;

describe("printable", () => {
  it("shows control characters as escapes; keeps newlines and tabs only in multi-line text", () => {
    assert.equal(printable(EVIL), "web\\r\\u001b[2Kel9-1: ok\\u0007");
    assert.equal(printable("a\nb\tc"), "a\\nb\\tc");
    assert.equal(printable("a\nb\tc\r", true), "a\nb\tc\\r");
  });

  it("never lets a control character through, whatever the text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        assert.doesNotMatch(printable(s), CONTROL_OR_LINE);
        assert.doesNotMatch(printable(s, true), CONTROL);
      }),
      { numRuns: 500 },
    );
  });

  it("every reporter escapes what a host name, a message and check output could hide", () => {
    const failedCheck = {
      id: "engine.active",
      title: "t",
      status: "fail" as const,
      message: `bad ${EVIL}`,
      evidence: { command: "c", outputTail: EVIL },
    };
    const events: OpsEvent[] = [
      { kind: "host-failed", host: EVIL, error: { kind: "step", message: EVIL, hint: EVIL } },
      { kind: "host-done", summary: result(EVIL, { checks: [failedCheck] }) },
      { kind: "run-done", command: "verify", hosts: [result(EVIL)], ms: 1, check: false, interrupted: false },
    ];
    let lines = "";
    const sink = linesReporter({ write: (t) => (lines += t), check: false, diff: false, verbose: true });
    events.forEach(sink);
    assert.doesNotMatch(lines, CONTROL);
    let xml = "";
    const junit = junitReporter((t) => (xml += t));
    events.forEach(junit);
    assert.doesNotMatch(xml.replace(/\n/g, ""), CONTROL_OR_LINE);
  });
});
