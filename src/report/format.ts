/**
 * Text shared by the terminal reporters: one line per event worth a line, a block per host's
 * checks, and the closing summary. Pure: events in, strings out. Every value that came from a host
 * or an inventory goes through `printable` first, so no name or output can move the cursor, clear
 * the screen or forge a line.
 */
import { reportStatus, type CheckOutcome, type ReportStatus } from "../checks/check.js";
import type { HostResult, OpsEvent } from "../events.js";
import { humanBytes } from "../text/bytes.js";
import { printable } from "./printable.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

const indent = (text: string, pad: string) =>
  text
    .split("\n")
    .map((l) => pad + l)
    .join("\n");

export interface FormatOptions {
  check: boolean;
  verbose: boolean;
}

/** A line for a human, or undefined for events that are progress only. */
export function eventLine(event: OpsEvent, opts: FormatOptions): string | undefined {
  const host = "host" in event ? printable(event.host) : "";
  switch (event.kind) {
    case "step-planned":
      return opts.check ? `${host}: would ${printable(event.description)}` : undefined;
    case "handler-planned":
      return `${host}: would run handler ${printable(event.handler)}: ${printable(event.description)}`;
    case "step-ran": {
      const sent = event.bytes !== undefined ? `, ${humanBytes(event.bytes)} sent` : "";
      const line = `${host}: changed: ${printable(event.description)} (${seconds(event.ms)}${sent})`;
      return event.output ? `${line}\n${indent(printable(event.output, true), "  | ")}` : line;
    }
    case "handler-ran":
      return `${host}: handler: ${printable(event.description)} (${seconds(event.ms)})`;
    case "noop":
      if (event.show === true) return `${host}: ok: ${printable(event.reason, true)}`;
      return opts.verbose ? `${host}: ok: ${printable(event.reason)}` : undefined;
    case "host-failed":
      return errorLines(host, "FAILED", event.error, event.resource);
    case "host-unreachable":
      return errorLines(host, "UNREACHABLE", event.error);
    case "run-step":
      return event.status === "failed"
        ? `run step ${printable(event.name)} FAILED: ${printable(event.message ?? "")}`
        : opts.verbose
          ? `run step ${printable(event.name)}: ok (${seconds(event.ms)})`
          : undefined;
    default:
      return undefined;
  }
}

function errorLines(
  host: string,
  label: string,
  error: { message: string; hint?: string },
  resource?: string,
) {
  const head = `${host}: ${label}${resource ? ` at ${printable(resource)}` : ""}: ${printable(error.message, true)}`;
  return error.hint ? `${head}\n  hint: ${printable(error.hint, true)}` : head;
}

/** The diff of a planned step, indented under its host, for --diff. */
export function diffBlock(event: Extract<OpsEvent, { kind: "step-planned" }>): string | undefined {
  if (!event.diff) return undefined;
  return `--- ${printable(event.host)}: ${printable(event.description)}\n${printable(event.diff.trimEnd(), true)}`;
}

const MARK: Record<ReportStatus, string> = {
  pass: "ok  ",
  fail: "FAIL",
  error: "ERR ",
  "not-applicable": "N/A ",
  waived: "WAIV",
};

/** Evidence, expected vs actual and the hint of a check that did not pass. */
export function checkDetails(c: CheckOutcome): string[] {
  const out: string[] = [];
  if (c.expected !== undefined || c.actual !== undefined)
    out.push(
      `expected: ${printable(c.expected ?? "?", true)}`,
      `actual:   ${printable(c.actual ?? "?", true)}`,
    );
  out.push(`command:  ${printable(c.evidence.command, true)}`);
  if (c.evidence.source) out.push(`source:   ${printable(c.evidence.source)}`);
  if (c.evidence.outputTail) out.push("output:", indent(printable(c.evidence.outputTail, true), "  | "));
  if (c.hint) out.push(`hint:     ${printable(c.hint, true)}`);
  return out;
}

/** How many of a host's checks passed, as the summary says it. */
export function checkCount(h: HostResult): string {
  const passed = h.checks.filter((c) => c.status === "pass").length;
  return `${passed}/${h.checks.length} checks passed`;
}

/** A host's checks when it is done: a line each, details under those that did not pass. */
export function checksBlock(h: HostResult): string | undefined {
  if (h.checks.length === 0) return undefined;
  const lines = [`${printable(h.host)}: ${checkCount(h)}`];
  for (const c of h.checks) {
    const status = reportStatus(c);
    lines.push(`  ${MARK[status]} ${printable(c.id).padEnd(27)} ${printable(c.message, true)}`);
    if (status === "waived" && c.waived)
      lines.push(
        `         waived: ${printable(c.waived.justification, true)}${c.waived.expires ? ` (until ${printable(c.waived.expires)})` : ""}`,
      );
    else if (status === "fail" || status === "error")
      lines.push(indent(checkDetails(c).join("\n"), "         "));
  }
  return lines.join("\n");
}

const STATUS_WORDS: Record<HostResult["status"], string> = {
  ok: "ok",
  changed: "changed",
  failed: "failed",
  unreachable: "unreachable",
  "not-started": "not started",
};

/** Closing summary: a line per host and a total. */
export function summaryText(hosts: readonly HostResult[], ms: number, check: boolean): string {
  const names = hosts.map((h) => printable(h.host));
  const width = Math.max(4, ...names.map((n) => n.length));
  const lines = hosts.map((h, i) => {
    const status = check && h.status === "changed" ? "would change" : STATUS_WORDS[h.status];
    const checks = h.checks.length > 0 ? `  ${checkCount(h)}` : "";
    return `${(names[i] ?? "").padEnd(width)}  ${status.padEnd(12)} ok=${h.ok} changed=${h.changed} failed=${h.failed}${checks}  ${seconds(h.ms)}`;
  });
  const count = (s: HostResult["status"]) => hosts.filter((h) => h.status === s).length;
  const notStarted = count("not-started") > 0 ? `, ${count("not-started")} not started` : "";
  const total =
    `${hosts.length} host${hosts.length === 1 ? "" : "s"}: ${count("ok")} ok, ` +
    `${count("changed")} ${check ? "would change" : "changed"}, ${count("failed")} failed, ` +
    `${count("unreachable")} unreachable${notStarted} in ${seconds(ms)}`;
  const allChecks = hosts.flatMap((h) => h.checks);
  const counted = (s: ReportStatus) => allChecks.filter((c) => reportStatus(c) === s).length;
  const optional = (s: ReportStatus, words: string) => (counted(s) > 0 ? `, ${counted(s)} ${words}` : "");
  const checkTotal =
    allChecks.length > 0
      ? `\nchecks: ${counted("pass")} passed, ${counted("fail")} failed, ${counted("error")} errors` +
        optional("waived", "waived") +
        optional("not-applicable", "not applicable")
      : "";
  const nothing =
    !check && hosts.length > 0 && allChecks.length === 0 && hosts.every((h) => h.status === "ok")
      ? "\nno changes: every host already converged"
      : "";
  return `${lines.join("\n")}\n${total}${checkTotal}${nothing}`;
}
