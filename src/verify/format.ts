/**
 * The three renderings of a verify report: pretty text for people, one JSON document for machines,
 * JUnit XML for CI. Pure: report in, text out.
 */
import { junitXml, type JunitSuite } from "../report/junit.js";
import type { CheckOutcome, HostVerdict } from "./verify-host.js";
import type { VerifyReport } from "./verify.js";

export type VerifyOutput = "pretty" | "json" | "junit";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const indent = (text: string, pad: string) =>
  text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");

const MARK: Record<CheckOutcome["status"], string> = { pass: "ok  ", fail: "FAIL", error: "ERR " };

/** Evidence, expected vs actual and the hint of a check that did not pass. */
export function checkDetails(c: CheckOutcome): string[] {
  const out: string[] = [];
  if (c.expected !== undefined || c.actual !== undefined)
    out.push(`expected: ${c.expected ?? "?"}`, `actual:   ${c.actual ?? "?"}`);
  out.push(`command:  ${c.evidence.command}`);
  if (c.evidence.outputTail) out.push("output:", indent(c.evidence.outputTail, "  | "));
  if (c.hint) out.push(`hint:     ${c.hint}`);
  return out;
}

function hostBlock(h: HostVerdict): string {
  const head = `${h.host}: ${h.status.toUpperCase()} (${seconds(h.ms)})`;
  if (h.status === "unreachable")
    return [
      head,
      `  ${h.error?.message ?? "unreachable"}`,
      ...(h.error?.hint ? [`  hint: ${h.error.hint}`] : []),
    ].join("\n");
  const lines = [head];
  if (h.error) lines.push(`  ${h.error.message}`);
  for (const c of h.checks) {
    lines.push(`  ${MARK[c.status]} ${c.id.padEnd(27)} ${c.message}`);
    if (c.status !== "pass") lines.push(indent(checkDetails(c).join("\n"), "         "));
  }
  return lines.join("\n");
}

/** Per host, per check: a line each, details under what did not pass, and a closing total. */
export function prettyReport(report: VerifyReport): string {
  const n = (s: HostVerdict["status"]) => report.hosts.filter((h) => h.status === s).length;
  const total =
    `${report.hosts.length} host${report.hosts.length === 1 ? "" : "s"}: ${n("passed")} passed, ` +
    `${n("failed")} failed, ${n("unreachable")} unreachable in ${seconds(report.ms)}`;
  return [...report.hosts.map(hostBlock), total].join("\n\n") + "\n";
}

/**
 * One JSON document (not JSON lines): verify's result is a verdict on the whole run, read once
 * by a script (`jq '.hosts[] | select(.status != "passed")'`), not a stream of progress.
 */
export function jsonReport(report: VerifyReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}

/** A testsuite per host (`verify.<host>`), a testcase per check; unreachable hosts' checks are errors. */
export function junitSuites(report: VerifyReport): JunitSuite[] {
  return report.hosts.map((h) => ({
    name: h.host,
    ms: h.ms,
    timestamp: report.startedAt,
    cases: h.checks.map((c) => ({
      name: c.id,
      classname: `verify.${h.host}`,
      status: c.status,
      message: c.message,
      details: [c.title, ...checkDetails(c)].join("\n"),
    })),
  }));
}

/** The report in the chosen format. */
export function renderReport(report: VerifyReport, format: VerifyOutput): string {
  if (format === "json") return jsonReport(report);
  if (format === "junit") return junitXml(junitSuites(report), "ops verify");
  return prettyReport(report);
}
