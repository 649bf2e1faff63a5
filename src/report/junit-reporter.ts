/**
 * `--output junit`: a testsuite per host, written when the run is done. A check is a testcase; so is
 * each resource of a run (in place or changed passes; the failure of a host is its failing case), so
 * a CI system shows a run, a verify and a compliance check the same way.
 */
import { reportStatus, type CheckOutcome } from "../checks/check.js";
import type { EventSink, HostResult } from "../events.js";
import { checkDetails } from "./format.js";
import { junitXml, type JunitCase, type JunitSuite } from "./junit.js";

function casesOf(h: HostResult, command: string): JunitCase[] {
  const classname = `${command}.${h.host}`;
  const cases: JunitCase[] = h.plan
    .filter((p) => p.outcome !== "fail")
    .map((p) => ({
      name: p.resource,
      classname,
      status: "pass" as const,
      message: p.reason ?? (p.steps ?? []).map((s) => s.description).join("; "),
    }));
  cases.push(...h.checks.map((c) => checkCase(c, classname)));
  if (h.status === "not-started")
    cases.push({
      name: "host",
      classname,
      status: "skipped",
      message: "not started: the run was interrupted",
    });
  else if (h.error) {
    const status = h.status === "unreachable" ? "error" : "fail";
    cases.push({
      name: h.error.resource ?? "host",
      classname,
      status,
      message: h.error.message,
      ...(h.error.hint ? { details: `hint: ${h.error.hint}` } : {}),
    });
  }
  return cases;
}

/**
 * A check as a testcase. A waived failure and a check that does not apply are <skipped> with the
 * reason: CI shows them without failing the build, and never counts them as passing.
 */
function checkCase(c: CheckOutcome, classname: string): JunitCase {
  const status = reportStatus(c);
  const details = [c.title, ...checkDetails(c)].join("\n");
  if (status === "waived")
    return { name: c.id, classname, status: "skipped", message: `waived: ${c.waived?.justification ?? ""}` };
  if (status === "not-applicable")
    return {
      name: c.id,
      classname,
      status: "skipped",
      message: c.message.startsWith("not applicable") ? c.message : `not applicable: ${c.message}`,
    };
  return { name: c.id, classname, status, message: c.message, details };
}

export function junitReporter(write: (text: string) => void): EventSink {
  let startedAt = "";
  return (event) => {
    if (event.kind === "run-start") startedAt = event.at;
    if (event.kind !== "run-done") return;
    const suites: JunitSuite[] = event.hosts.map((h) => ({
      name: h.host,
      ms: h.ms,
      timestamp: startedAt,
      cases: casesOf(h, event.command),
    }));
    write(junitXml(suites, `ops ${event.command}`));
  };
}
