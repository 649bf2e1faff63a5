/**
 * Text shared by the terminal reporters: one line per event worth a line, and the closing summary.
 * Pure: events in, strings out.
 */
import type { HostSummary, OpsEvent } from "../events.js";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** A line for a human, or undefined for events that are progress only. */
export function eventLine(event: OpsEvent, opts: { check: boolean; verbose: boolean }): string | undefined {
  switch (event.kind) {
    case "step-planned":
      return opts.check ? `${event.host}: would ${event.description}` : undefined;
    case "step-ran":
      return `${event.host}: changed: ${event.description} (${seconds(event.ms)})`;
    case "handler-ran":
      return `${event.host}: handler: ${event.description} (${seconds(event.ms)})`;
    case "noop":
      return opts.verbose ? `${event.host}: ok: ${event.reason}` : undefined;
    case "host-failed":
      return errorLines(event.host, "FAILED", event.error, event.resource);
    case "host-unreachable":
      return errorLines(event.host, "UNREACHABLE", event.error);
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
  const head = `${host}: ${label}${resource ? ` at ${resource}` : ""}: ${error.message}`;
  return error.hint ? `${head}\n  hint: ${error.hint}` : head;
}

/** The diff of a planned step, indented under its host, for --diff. */
export function diffBlock(event: Extract<OpsEvent, { kind: "step-planned" }>): string | undefined {
  if (!event.diff) return undefined;
  return `--- ${event.host}: ${event.description}\n${event.diff.trimEnd()}`;
}

/** Closing summary: a line per host and a total. */
export function summaryText(hosts: readonly HostSummary[], ms: number, check: boolean): string {
  const width = Math.max(4, ...hosts.map((h) => h.host.length));
  const lines = hosts.map((h) => {
    const status = check && h.status === "changed" ? "would change" : h.status;
    return `${h.host.padEnd(width)}  ${status.padEnd(12)} ok=${h.ok} changed=${h.changed} failed=${h.failed}  ${seconds(h.ms)}`;
  });
  const count = (s: HostSummary["status"]) => hosts.filter((h) => h.status === s).length;
  const total =
    `${hosts.length} host${hosts.length === 1 ? "" : "s"}: ${count("ok")} ok, ` +
    `${count("changed")} ${check ? "would change" : "changed"}, ${count("failed")} failed, ` +
    `${count("unreachable")} unreachable in ${seconds(ms)}`;
  const nothing =
    !check && hosts.length > 0 && hosts.every((h) => h.status === "ok")
      ? "\nno changes: every host already converged"
      : "";
  return `${lines.join("\n")}\n${total}${nothing}`;
}
