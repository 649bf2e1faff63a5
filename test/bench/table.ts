// Renders the results as rows, then as a terminal table or a Markdown table, from the same rows
// so what CI prints and what docs/BENCHMARKS.md says can never disagree.
import { formatBytes, formatMs, judgeTargets, type Results } from "./results.js";
import { ratio, type Summary } from "./stats.js";

export type Row = readonly string[];

const fmtRatio = (v: number | undefined): string => (v === undefined ? "" : v.toFixed(v < 0.1 ? 3 : 2));

function timeRow(name: string, s: Summary | undefined, vsAnsible?: number, vsFloor?: number): Row {
  if (s === undefined) return [name, "not measured", "", "", "", ""];
  return [
    name,
    formatMs(s.median),
    `${formatMs(s.min)} – ${formatMs(s.max)}`,
    String(s.n),
    fmtRatio(vsAnsible),
    fmtRatio(vsFloor),
  ];
}

export const TIME_HEADERS: Row = ["run", "median", "min – max", "runs", "ops/Ansible", "ops/floor"];

/** Wall-time rows: the floor, ops and Ansible, each fresh and no-op, with the two ratios on ops rows. */
export function timeRows(r: Results): Row[] {
  return [
    timeRow("floor (1 ssh per host, 1 probe)", r.floor),
    timeRow("ops fresh", r.opsFresh, ratio(r.opsFresh, r.ansibleFresh)),
    timeRow("ops no-op", r.opsNoop, ratio(r.opsNoop, r.ansibleNoop), ratio(r.opsNoop, r.floor)),
    timeRow("Ansible fresh", r.ansibleFresh),
    timeRow("Ansible no-op", r.ansibleNoop),
  ];
}

export const TARGET_HEADERS: Row = ["target", "goal", "measured", "verdict"];

export function targetRows(r: Results): Row[] {
  return judgeTargets(r).map((t) => [t.name, t.goal, t.measured, t.verdict]);
}

/** A named summary as cells: name, median, min – max, and the sample count when asked. */
function summaryRow(name: string, s: Summary, count = false): Row {
  const cells = [name, formatMs(s.median), `${formatMs(s.min)} – ${formatMs(s.max)}`];
  return count ? [...cells, String(s.n)] : cells;
}

export const BREAKDOWN_HEADERS: Row = ["ops no-op phase", "median", "min – max"];

/** Where an ops no-op run spends its wall time (medians over runs, per-host medians for SSH). */
export function breakdownRows(r: Results): Row[] {
  const b = r.breakdown;
  if (b === undefined) return [];
  const row = (name: string, s: Summary): Row => summaryRow(name, s);
  return [
    row("process start to run done, minus the run (node, module load, inventory)", b.startup),
    row("SSH connect, per host", b.connect),
    row("fact probe (the one round trip), per host", b.facts),
  ];
}

export const PROBE_HEADERS: Row = [
  "one round trip, per host (alone, open connection)",
  "median",
  "min – max",
  "runs",
];

/** The probe's cost per host beside an empty command and the floor's probe; empty when not measured. */
export function probeRows(r: Results): Row[] {
  const p = r.probe;
  if (p === undefined) return [];
  const row = (name: string, s: Summary): Row => summaryRow(name, s, true);
  return [
    row("empty command", p.empty),
    row("floor probe (test/bench/floor.ts)", p.floor),
    row(`ops install-engine probe (${p.facts} facts)`, p.probe),
  ];
}

export const STEP_HEADERS: Row = ["ops fresh step (per host)", "median", "min – max", "hosts × runs"];

/** The slowest steps of the ops fresh runs (the rest add little); empty when none were measured. */
export function stepRows(r: Results, top = 8): Row[] {
  return (r.freshSteps ?? []).slice(0, top).map((s) => summaryRow(s.name, s.ms, true));
}

/** Plain text: columns padded to their widest cell, a rule under the header. */
export function renderText(headers: Row, rows: readonly Row[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: Row): string =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** GitHub Markdown; pipes in cells are escaped so a cell can never split a row. */
export function renderMarkdown(headers: Row, rows: readonly Row[]): string {
  const line = (r: Row): string => `| ${r.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Extra facts printed under the tables. */
export function extraLines(r: Results): string[] {
  const mixed = (r.debian12 ?? 0) > 0 ? ` (${r.hosts - (r.debian12 ?? 0)} el9, ${r.debian12} debian12)` : "";
  const out = [`hosts: ${r.hosts}${mixed}`];
  if (r.noopCommandsMax !== undefined)
    out.push(`ops no-op round trips per host (worst host): ${r.noopCommandsMax}`);
  if (r.opsPeakRss !== undefined)
    out.push(`ops peak memory (max RSS over all ops runs): ${formatBytes(r.opsPeakRss)}`);
  if (r.probe !== undefined)
    out.push(
      `ops probe per host (alone, over an open connection, ${r.probe.hosts} host(s)): ${formatMs(r.probe.probe.median)}`,
    );
  return out;
}
