/**
 * The five statuses kept apart everywhere the engine reports a check: the one rule (reportStatus),
 * the exit code, JUnit and the text reporter. Not applicable and waived are never a pass; an error
 * is never waived and is exit 2.
 */
import { strict as assert } from "node:assert";
import { failsRun, reportStatus, type CheckOutcome } from "../../../src/checks/check.js";
import { exitCodeFor } from "../../../src/cli/exit-codes.js";
import type { HostResult } from "../../../src/events.js";
import { checksBlock, summaryText } from "../../../src/report/format.js";
import { junitReporter } from "../../../src/report/junit-reporter.js";
import { hostResult } from "../support/host-result.js";

const outcome = (
  id: string,
  status: CheckOutcome["status"],
  over: Partial<CheckOutcome> = {},
): CheckOutcome => ({
  id,
  title: `title of ${id}`,
  status,
  message: `${id} says ${status}`,
  evidence: { command: "docker info", outputTail: "" },
  ...over,
});
const waiver = { justification: "legacy app until June", expires: "2099-12-31" };
const host = (checks: CheckOutcome[]): HostResult => hostResult({ checks });
const code = (...checks: CheckOutcome[]) =>
  exitCodeFor({ command: "check", hosts: [host(checks)], check: true, interrupted: false });

describe("check statuses", () => {
  it("one rule: a waiver accepts a failure only; an error stays an error", () => {
    assert.equal(reportStatus(outcome("a", "fail", { waived: waiver })), "waived");
    assert.equal(reportStatus(outcome("a", "error", { waived: waiver })), "error");
    assert.equal(reportStatus(outcome("a", "error", { waived: { ...waiver, notRun: true } })), "waived");
    assert.equal(reportStatus(outcome("a", "not-applicable")), "not-applicable");
    assert.ok(!failsRun(outcome("a", "not-applicable")));
    assert.ok(failsRun(outcome("a", "error", { waived: waiver })));
  });

  it("exit codes: an error on any check is 2, a failure 3, not applicable and waived 0", () => {
    assert.equal(code(outcome("a", "pass"), outcome("b", "not-applicable")), 0);
    assert.equal(code(outcome("a", "fail", { waived: waiver })), 0);
    assert.equal(code(outcome("a", "fail")), 3);
    assert.equal(code(outcome("a", "fail"), outcome("b", "error")), 2);
    assert.equal(code(outcome("b", "error", { waived: waiver })), 2, "an error is never waived");
  });

  it("JUnit: not applicable and waived are <skipped> with the reason, never a passing testcase", () => {
    let xml = "";
    const sink = junitReporter((t) => (xml += t));
    const checks = [
      outcome("cis.2.7", "not-applicable", { message: "not applicable: the API listens on no TCP socket" }),
      outcome("cis.2.2", "fail", { waived: waiver }),
      outcome("cis.2.15", "error"),
    ];
    sink({
      kind: "run-start",
      command: "check",
      playbook: "compliance",
      hosts: ["el9-1"],
      check: true,
      at: "",
    });
    sink({
      kind: "run-done",
      command: "check",
      hosts: [host(checks)],
      ms: 1,
      check: true,
      interrupted: false,
    });
    assert.match(
      xml,
      /<testcase name="cis.2.7"[^>]*>\s*<skipped message="not applicable: the API listens on no TCP socket"\/>/,
    );
    assert.match(xml, /<testcase name="cis.2.2"[^>]*>\s*<skipped message="waived: legacy app until June"\/>/);
    assert.match(xml, /<testcase name="cis.2.15"[^>]*>\s*<error /);
    assert.match(xml, /tests="3" failures="0" errors="1" skipped="2"/);
  });

  it("text: each status has its own mark and count", () => {
    const h = host([
      outcome("a", "pass"),
      outcome("b", "not-applicable"),
      outcome("c", "fail", { waived: waiver }),
      outcome("d", "error"),
    ]);
    const block = checksBlock(h) ?? "";
    assert.match(block, /N\/A {2}b /);
    assert.match(block, /WAIV c /);
    assert.match(block, /ERR {2}d /);
    assert.match(
      summaryText([h], 1, true),
      /checks: 1 passed, 0 failed, 1 errors, 1 waived, 1 not applicable/,
    );
  });
});
