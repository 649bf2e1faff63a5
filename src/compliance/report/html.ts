/**
 * The compliance report as one standalone HTML page: no script, no font, no image, nothing fetched
 * (a Content-Security-Policy of `default-src 'none'` says so to the browser). A matrix of checks by
 * hosts with failures first, each finding's evidence, expected, actual and hint on expand (<details>),
 * and the trend of failures over the runs history kept, drawn as inline SVG. Pure: data in, text out;
 * every value is escaped.
 */
import { printableHtml } from "../../report/printable.js";
import type { EffectiveStatus } from "../apply-waivers.js";
import type { TrendPoint } from "../history/analysis.js";
import { countRun, unchecked, type CheckRecord, type ComplianceRun, type HostRecord } from "../run-record.js";

/**
 * The one escaping rule (control and bidirectional characters shown as `\u202e`), then HTML entities.
 *
 * @example escapeHtml(`<a href="x">`) === "&lt;a href=&quot;x&quot;&gt;"
 */
export const escapeHtml = (text: string): string => printableHtml(text);

const e = escapeHtml;

const MARK: Record<EffectiveStatus, string> = {
  pass: "✓",
  fail: "✗",
  error: "!",
  waived: "W",
  "not-applicable": "–",
};
const WORD: Record<EffectiveStatus, string> = {
  pass: "passed",
  fail: "failed",
  error: "error",
  waived: "waived",
  "not-applicable": "not applicable",
};
const RANK: Record<EffectiveStatus, number> = { fail: 0, error: 1, waived: 2, pass: 3, "not-applicable": 4 };

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2329;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}
.meta{color:#57606a;margin-bottom:16px}.totals span{display:inline-block;margin-right:14px;font-weight:600}
table.matrix{border-collapse:collapse}table.matrix th,table.matrix td{border:1px solid #d0d7de;padding:3px 7px}
table.matrix th.host{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:600;white-space:nowrap}
table.matrix td.c{text-align:center;width:26px;font-weight:700}table.matrix td.c a{color:inherit;text-decoration:none;display:block}
td.id{font-family:ui-monospace,monospace;font-size:12px;white-space:nowrap}td.title{color:#57606a;font-size:12px}
.pass{background:#dafbe1;color:#116329}.fail{background:#ffd8d3;color:#a40e26}.error{background:#fff1c2;color:#7d4e00}
.waived{background:#ddf4ff;color:#0a3069}.na{background:#f6f8fa;color:#8c959f}.down{background:#57606a;color:#fff}
details{border:1px solid #d0d7de;border-radius:6px;margin:6px 0;padding:6px 10px}details>summary{cursor:pointer;font-weight:600}
details pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px;white-space:pre-wrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0}dt{color:#57606a}dd{margin:0;font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;margin-left:6px}
svg text{font-size:10px;fill:#57606a}
`;

const css = (s: EffectiveStatus) => (s === "not-applicable" ? "na" : s);

function worst(checks: readonly CheckRecord[]): number {
  return Math.min(4, ...checks.map((c) => RANK[c.status]));
}

/** Checks in rows, failures first; hosts in columns, the worst first, unreachable ones marked. */
function matrix(run: ComplianceRun, anchors: Map<string, string>): string {
  const hosts = [...run.hosts].sort(
    (a, b) => Number(unchecked(b)) - Number(unchecked(a)) || worst(a.checks) - worst(b.checks),
  );
  const ids = new Map<string, { title: string; rank: number; cis?: string; severity?: string }>();
  for (const h of run.hosts)
    for (const c of h.checks) {
      const seen = ids.get(c.id);
      const rank = Math.min(seen?.rank ?? 9, RANK[c.status]);
      ids.set(c.id, {
        title: c.title,
        rank,
        ...(c.cis ? { cis: c.cis } : {}),
        ...(c.severity ? { severity: c.severity } : {}),
      });
    }
  const rows = [...ids.entries()].sort((a, b) => a[1].rank - b[1].rank);
  const head = `<tr><th>check</th><th>CIS</th><th>title</th>${hosts.map((h) => `<th class="host">${e(h.host)}</th>`).join("")}</tr>`;
  const body = rows.map(([id, info]) => {
    const cells = hosts.map((h) => {
      if (unchecked(h)) return `<td class="c down" title="${e(`${h.host}: not checked`)}">?</td>`;
      const c = h.checks.find((x) => x.id === id);
      if (!c) return `<td class="c na" title="not run">·</td>`;
      const anchor = anchors.get(`${h.host}\n${id}`);
      const mark = anchor ? `<a href="#${anchor}">${MARK[c.status]}</a>` : MARK[c.status];
      return `<td class="c ${css(c.status)}" title="${e(`${h.host} ${id}: ${WORD[c.status]}`)}">${mark}</td>`;
    });
    return `<tr><td class="id">${e(id)}</td><td>${e(info.cis ?? "")}</td><td class="title">${e(info.title)}</td>${cells.join("")}</tr>`;
  });
  return `<table class="matrix">${head}${body.join("")}</table>`;
}

function field(name: string, value: string | undefined): string {
  return value === undefined || value === "" ? "" : `<dt>${e(name)}</dt><dd>${e(value)}</dd>`;
}

function finding(h: HostRecord, c: CheckRecord, anchor: string): string {
  const w = c.waiver;
  const waiver = w
    ? `${w.state === "active" ? "waived until" : "waiver expired on"} ${w.expires}: ${w.justification} (${w.origin})`
    : undefined;
  return (
    `<details id="${anchor}"><summary><span class="badge ${css(c.status)}">${WORD[c.status]}</span> ` +
    `${e(h.host)} · ${e(c.id)}${c.severity ? ` · ${e(c.severity)}` : ""} — ${e(c.message)}</summary>` +
    `<dl>${field("title", c.title)}${field("CIS", c.cis)}${field("expected", c.expected)}${field("actual", c.actual)}` +
    `${field("source", c.evidence.source)}${field("command", c.evidence.command)}${field("hint", c.hint)}${field("waiver", waiver)}</dl>` +
    (c.evidence.outputTail ? `<pre>${e(c.evidence.outputTail)}</pre>` : "") +
    `</details>`
  );
}

/** The failures of the runs history kept, as a bar chart (oldest on the left). */
export function trendSvg(trend: readonly TrendPoint[]): string {
  if (trend.length === 0) return "<p>no earlier runs in the history</p>";
  const w = 640;
  const h = 120;
  const max = Math.max(1, ...trend.map((t) => t.counts.fail + t.counts.error + t.counts.unchecked));
  const step = w / trend.length;
  const bars = trend.map((t, i) => {
    const bad = t.counts.fail + t.counts.error + t.counts.unchecked;
    const bh = Math.round((bad / max) * (h - 20));
    const x = Math.round(i * step + 2);
    const bw = Math.max(2, Math.round(step - 4));
    return `<rect x="${x}" y="${h - 14 - bh}" width="${bw}" height="${bh}" fill="#cf222e"><title>${e(`${t.at}: ${t.counts.fail} failed, ${t.counts.error} errors, ${t.counts.unchecked} hosts not checked, ${t.counts.waived} waived`)}</title></rect><text x="${x}" y="${h - 2}">${e(t.at.slice(5, 10))}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="failures per run">${bars.join("")}</svg>`;
}

/**
 * @example await writeFileAtomic("report.html", htmlReport(run, analyzeHistory(runs).trend))
 */
export function htmlReport(run: ComplianceRun, trend: readonly TrendPoint[]): string {
  const counts = countRun(run);
  const anchors = new Map<string, string>();
  const findings: string[] = [];
  const sorted = run.hosts
    .flatMap((h) => h.checks.map((c) => ({ h, c })))
    .sort((a, b) => RANK[a.c.status] - RANK[b.c.status]);
  sorted.forEach(({ h, c }, i) => {
    const anchor = `f${i}`;
    anchors.set(`${h.host}\n${c.id}`, anchor);
    findings.push(finding(h, c, anchor));
  });
  const firstPass = sorted.findIndex(({ c }) => RANK[c.status] >= RANK.pass);
  const problems = firstPass < 0 ? findings : findings.slice(0, firstPass);
  const rest = firstPass < 0 ? [] : findings.slice(firstPass);
  const down = run.hosts
    .filter(unchecked)
    .map((h) => `<li>${e(h.host)}: ${e(h.status)}${h.error ? ` — ${e(h.error)}` : ""}</li>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ops check — ${e(run.startedAt)}</title><style>${STYLE}</style></head><body>
<h1>Compliance report</h1>
<div class="meta">run ${e(run.id)} · ${e(run.startedAt)} · inventory ${e(run.inventory)} · hosts ${e(run.targets)} · policy ${e(run.policy.join(", "))} (digest ${e(run.policyDigest)}, check set ${e(run.checkSet)}) · exit code ${run.exitCode}</div>
<div class="totals"><span>${counts.hosts} hosts</span><span class="fail">${counts.fail} failed</span><span class="error">${counts.error} errors</span><span class="waived">${counts.waived} waived</span><span class="pass">${counts.pass} passed</span><span class="na">${counts["not-applicable"]} not applicable</span>${counts.unchecked > 0 ? `<span class="down">${counts.unchecked} hosts not checked</span>` : ""}</div>
${down.length > 0 ? `<h2>Hosts that could not be checked</h2><ul>${down.join("")}</ul>` : ""}
<h2>Checks by host</h2>
${matrix(run, anchors)}
<h2>Findings (${problems.length})</h2>
${problems.join("\n") || "<p>none: every check passed, is waived or does not apply</p>"}
<h2>Trend</h2>
${trendSvg(trend)}
<h2>Passing and not applicable (${rest.length})</h2>
<details><summary>show all</summary>${rest.join("\n")}</details>
</body></html>
`;
}
