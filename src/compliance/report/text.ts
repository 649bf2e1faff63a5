/**
 * What `ops check` prints after the engine's own report, and what `ops check history`, `ops check
 * diff` and `ops check --list` print. Pure: data in, text out; every value from a host goes through
 * `printable`, so none can move the cursor or forge a line.
 */
import type { Check } from "../../checks/check.js";
import { printable } from "../../report/printable.js";
import type { HistoryReport, RunDiff, DiffItem } from "../history/analysis.js";
import type { RunSummary } from "../history/sql-store.js";
import { countRun, type ComplianceRun } from "../run-record.js";

const day = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");

/** The compliance totals of a run, its waived findings, and where it was kept. */
export function runSummaryText(run: ComplianceRun, kept: { history?: string; reports?: string[] }): string {
  const c = countRun(run);
  const checks = c.pass + c.fail + c.error + c.waived + c["not-applicable"];
  const lines = [
    `compliance: ${c.hosts} host${c.hosts === 1 ? "" : "s"} (${c.unchecked} not checked), ${checks} checks: ` +
      `${c.pass} passed, ${c.fail} failed, ${c.error} errors, ${c.waived} waived, ${c["not-applicable"]} not applicable`,
  ];
  for (const h of run.hosts)
    for (const k of h.checks.filter((x) => x.status === "waived" && x.waiver))
      lines.push(
        `  waived: ${printable(h.host)} ${printable(k.id)} until ${k.waiver?.expires} (${printable(k.waiver?.justification ?? "")})`,
      );
  if (kept.history) lines.push(`history: run ${printable(run.id)} in ${printable(kept.history)}`);
  for (const r of kept.reports ?? []) lines.push(`report: ${printable(r)}`);
  return `${lines.join("\n")}\n`;
}

const CHANGE_WORDS = {
  "newly-failing": "NEWLY FAILING",
  "still-failing": "failing since",
  fixed: "fixed since",
  passing: "passing since",
} as const;

/** `ops check history`: findings that matter first, then the trend. */
export function historyText(report: HistoryReport, all: boolean): string {
  if (report.latest === undefined) return "no compliance runs in this history yet\n";
  const order = ["newly-failing", "still-failing", "fixed", "passing"] as const;
  const items = report.items
    .filter((i) => all || i.change !== "passing")
    .sort((a, b) => order.indexOf(a.change) - order.indexOf(b.change) || a.host.localeCompare(b.host));
  const width = Math.max(4, ...items.map((i) => i.host.length));
  const lines = [`latest run ${report.latest.id} at ${day(report.latest.at)}`, ""];
  for (const i of items) {
    const when = i.change === "newly-failing" ? "" : ` ${day(i.since)}`;
    lines.push(
      `${printable(i.host).padEnd(width)}  ${CHANGE_WORDS[i.change]}${when}  ${printable(i.check)}` +
        `${i.severity ? ` [${i.severity}]` : ""}: ${printable(i.message)}`,
    );
  }
  if (items.length === 0) lines.push("every check passes, and none was failing in the runs kept");
  lines.push("", "trend (failed + errors per run, oldest first):");
  for (const t of report.trend) {
    const bad = t.counts.fail + t.counts.error;
    lines.push(
      `  ${day(t.at)}  ${t.run}  ${"#".repeat(Math.min(bad, 60)).padEnd(12)} ${bad} failing, ${t.counts.waived} waived, ${t.counts.unchecked} hosts not checked`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const itemLine = (label: string, i: DiffItem) =>
  `  ${label} ${printable(i.host)} ${printable(i.check)}${i.severity ? ` [${i.severity}]` : ""}: ${printable(i.message)}`;

/** `ops check diff`: what changed from one run to the other. */
export function diffText(d: RunDiff): string {
  const lines = [`from run ${d.from.id} (${day(d.from.at)}) to run ${d.to.id} (${day(d.to.at)})`];
  lines.push(...d.newlyFailing.map((i) => itemLine("+ newly failing", i)));
  lines.push(...d.fixed.map((i) => itemLine("- fixed        ", i)));
  lines.push(...d.stillFailing.map((i) => itemLine("  still failing", i)));
  for (const h of d.hostsAdded) lines.push(`  host added:   ${printable(h)}`);
  for (const h of d.hostsRemoved) lines.push(`  host removed: ${printable(h)}`);
  if (d.newlyFailing.length + d.fixed.length + d.stillFailing.length === 0)
    lines.push("  no failures in either run");
  return `${lines.join("\n")}\n`;
}

/** `ops check history --runs`: the runs kept. */
export function runsText(runs: readonly RunSummary[]): string {
  return (
    runs
      .map((r) => `${printable(r.id)}  ${day(r.startedAt)}  exit ${r.exitCode}  ${printable(r.inventory)}`)
      .join("\n") + "\n"
  );
}

/** `ops check --list`: every check, and whether the policy runs it. */
export function listText(all: readonly Check[], selected: ReadonlySet<string>): string {
  const width = Math.max(...all.map((c) => c.id.length));
  return (
    all
      .map((c) => {
        const l = c.labels ?? {};
        const mark = selected.has(c.id) ? "run " : "off ";
        return `${mark} ${c.id.padEnd(width)}  CIS ${(l.cis ?? "").padEnd(12)} ${(l.severity ?? "").padEnd(6)} L${l.level ?? "1"}  ${c.title}`;
      })
      .join("\n") + "\n"
  );
}
