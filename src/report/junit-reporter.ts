/**
 * `--output junit`: a testsuite per host, written when the run is done. A check is a testcase; so is
 * each resource of a run (in place or changed passes; the failure of a host is its failing case), so
 * a CI system shows a run, a verify and a compliance check the same way.
 */
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
  cases.push(
    ...h.checks.map((c) => ({
      name: c.id,
      classname,
      // A waived failure is reported as skipped: CI shows it without failing the build.
      status: c.waived && c.status !== "pass" ? ("skipped" as const) : c.status,
      message: c.waived && c.status !== "pass" ? `waived: ${c.waived.justification}` : c.message,
      details: [c.title, ...checkDetails(c)].join("\n"),
    })),
  );
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
