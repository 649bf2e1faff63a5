/**
 * One compliance run as history stores it and the reports read it: every host with its status and
 * every check with the status reports count (waived, not-applicable...), its evidence and its waiver. Built
 * from the engine's HostResults; plain data (JSON-safe), so any store can keep it whole.
 */
import type { CheckStatus } from "../checks/check.js";
import type { HostResult, HostStatus } from "../events.js";
import {
  effectiveStatus,
  noteWaivers,
  type ComplianceOutcome,
  type EffectiveStatus,
  type WaiverNote,
} from "./apply-waivers.js";
import type { Waiver } from "./waivers.js";

export interface CheckRecord {
  id: string;
  title: string;
  /** What reports count. */
  status: EffectiveStatus;
  /** The judge's own verdict (a waived check keeps its "fail"). */
  verdict: CheckStatus;
  severity?: string;
  /** CIS Docker Benchmark v1.6.0 id, or the playbook for drift. */
  cis?: string;
  /** CIS profile level ("1", "2"). */
  level?: string;
  drift?: string;
  message: string;
  expected?: string;
  actual?: string;
  hint?: string;
  evidence: { command: string; outputTail: string; source?: string };
  waiver?: WaiverNote;
}

export interface HostRecord {
  host: string;
  status: HostStatus;
  /** Why the host could not be checked. */
  error?: string;
  ms: number;
  /** Commands sent after connecting: 1 is one round trip. */
  commands: number;
  checks: CheckRecord[];
}

export interface ComplianceRun {
  id: string;
  startedAt: string;
  finishedAt: string;
  /** The inventory file, as given. */
  inventory: string;
  /** The hosts asked for: the --limit pattern, or "all". */
  targets: string;
  /** Policy files read, the default first. */
  policy: string[];
  /** sha256 (16 hex) of the effective policy: two runs judged by different rules tell apart. */
  policyDigest: string;
  /**
   * sha256 (16 hex) of the checks the policy selects (and whether drift is on): a host is compared
   * with its own previous run of the same check set only.
   */
  checkSet: string;
  exitCode: number;
  hosts: HostRecord[];
}

/** A host could not be checked: history and reports show it apart from its checks. */
export const unchecked = (h: Pick<HostRecord, "status">): boolean =>
  h.status === "failed" || h.status === "unreachable" || h.status === "not-started";

/** The most characters of one evidence field a run keeps: a huge output cannot bloat history or reports. */
export const EVIDENCE_FIELD_MAX = 4096;

/** A field cut to EVIDENCE_FIELD_MAX, saying how much was left out. */
export function capField(text: string, max = EVIDENCE_FIELD_MAX): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters not kept)`;
}

function checkRecord(o: ComplianceOutcome): CheckRecord {
  const labels = o.labels ?? {};
  return {
    id: o.id,
    title: o.title,
    status: effectiveStatus(o),
    verdict: o.status,
    ...(labels.severity ? { severity: labels.severity } : {}),
    ...(labels.cis ? { cis: labels.cis } : {}),
    ...(labels.level ? { level: labels.level } : {}),
    ...(labels.drift ? { drift: labels.drift } : {}),
    message: capField(o.message),
    ...(o.expected !== undefined ? { expected: capField(o.expected) } : {}),
    ...(o.actual !== undefined ? { actual: capField(o.actual) } : {}),
    ...(o.hint !== undefined ? { hint: capField(o.hint) } : {}),
    evidence: {
      ...o.evidence,
      command: capField(o.evidence.command),
      outputTail: capField(o.evidence.outputTail),
      ...(o.evidence.source !== undefined ? { source: capField(o.evidence.source) } : {}),
    },
    ...(o.waiver ? { waiver: o.waiver } : {}),
  };
}

const RANK: Record<EffectiveStatus, number> = { error: 0, fail: 1, waived: 2, pass: 3, "not-applicable": 4 };

/** One record per check id: two drift playbooks may plan the same file; the worse verdict is kept. */
function worstPerId(records: CheckRecord[]): CheckRecord[] {
  const byId = new Map<string, CheckRecord>();
  for (const r of records) {
    const seen = byId.get(r.id);
    if (seen === undefined || RANK[r.status] < RANK[seen.status]) byId.set(r.id, r);
  }
  return [...byId.values()];
}

/**
 * @example recordRun({ id, startedAt, finishedAt, inventory, policy, exitCode }, result.hosts, waivers, today)
 */
export function recordRun(
  meta: Omit<ComplianceRun, "hosts">,
  hosts: readonly HostResult[],
  waivers: readonly Waiver[],
  today: string,
): ComplianceRun {
  return {
    ...meta,
    hosts: hosts.map((h) => ({
      host: h.host,
      status: h.status,
      ...(h.error ? { error: h.error.message } : {}),
      ms: h.ms,
      commands: h.commands,
      checks: worstPerId(noteWaivers(h.checks, waivers, h.host, today).map(checkRecord)),
    })),
  };
}

export interface RunCounts {
  hosts: number;
  unchecked: number;
  pass: number;
  fail: number;
  error: number;
  waived: number;
  "not-applicable": number;
}

/** Totals over a run's checks, and its hosts that could not be checked. */
export function countRun(run: Pick<ComplianceRun, "hosts">): RunCounts {
  const counts: RunCounts = {
    hosts: run.hosts.length,
    unchecked: 0,
    pass: 0,
    fail: 0,
    error: 0,
    waived: 0,
    "not-applicable": 0,
  };
  for (const h of run.hosts) {
    if (unchecked(h)) counts.unchecked++;
    for (const c of h.checks) counts[c.status]++;
  }
  return counts;
}
