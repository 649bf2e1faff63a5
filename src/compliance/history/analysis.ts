/**
 * What history says, from runs read back whole: per host and check, what is newly failing, what
 * is still failing and since when, what was fixed and since when; a trend of the failures per run;
 * and the difference between two runs. Pure: runs in, findings out. "Failing" means a check that
 * failed or could not be judged and is not waived. A host is compared only with its own earlier runs
 * of the same check set in which it was checked: a run limited to other hosts (--limit), one that
 * could not reach it, or one judged by other checks is not "the run before" for it.
 */
import type { EffectiveStatus } from "../apply-waivers.js";
import type { CheckRecord, ComplianceRun } from "../run-record.js";
import { countRun, unchecked, type RunCounts } from "../run-record.js";

export const isFailing = (s: EffectiveStatus | undefined): boolean => s === "fail" || s === "error";

export type Change = "newly-failing" | "still-failing" | "fixed" | "passing";

export interface CheckHistory {
  host: string;
  check: string;
  title: string;
  severity?: string;
  status: EffectiveStatus;
  change: Change;
  /** When the current state began: the first run of the current streak (ISO time). */
  since: string;
  /** The run that began it. */
  sinceRun: string;
  message: string;
}

export interface TrendPoint {
  run: string;
  at: string;
  counts: RunCounts;
}

export interface HistoryReport {
  /** The newest run, or undefined when there is none. */
  latest?: { id: string; at: string };
  items: CheckHistory[];
  /** Oldest first. */
  trend: TrendPoint[];
}

const key = (host: string, check: string) => `${host}\n${check}`;

function statusMap(run: ComplianceRun): Map<string, CheckRecord> {
  const map = new Map<string, CheckRecord>();
  for (const h of run.hosts) for (const c of h.checks) map.set(key(h.host, c.id), c);
  return map;
}

/**
 * @param runs newest first (as HistoryStore.listRuns returns them)
 * @example analyzeHistory(runs).items.filter((i) => i.change === "newly-failing")
 */
export function analyzeHistory(runs: readonly ComplianceRun[]): HistoryReport {
  const [latest] = runs;
  const trend = [...runs].reverse().map((r) => ({ run: r.id, at: r.startedAt, counts: countRun(r) }));
  if (latest === undefined) return { items: [], trend };
  const items: CheckHistory[] = [];
  for (const h of latest.hosts) {
    const mine = runsOfHost(runs, latest, h.host);
    const maps = mine.map(statusMap);
    for (const c of h.checks) {
      const k = key(h.host, c.id);
      const failing = isFailing(c.status);
      // Walk back while the check keeps the same failing/not-failing state.
      let start = 0;
      while (start + 1 < mine.length) {
        const older = maps[start + 1]?.get(k);
        if (older === undefined || isFailing(older.status) !== failing) break;
        start++;
      }
      const before = maps[start + 1]?.get(k);
      const since = mine[start] ?? latest;
      let change: Change;
      if (failing) change = start === 0 ? "newly-failing" : "still-failing";
      else change = before !== undefined && isFailing(before.status) ? "fixed" : "passing";
      items.push({
        host: h.host,
        check: c.id,
        title: c.title,
        ...(c.severity ? { severity: c.severity } : {}),
        status: c.status,
        change,
        since: since.startedAt,
        sinceRun: since.id,
        message: c.message,
      });
    }
  }
  return { latest: { id: latest.id, at: latest.startedAt }, items, trend };
}

/** The runs, newest first, that count for one host: the same check set as `latest`, the host checked. */
function runsOfHost(runs: readonly ComplianceRun[], latest: ComplianceRun, host: string): ComplianceRun[] {
  return runs.filter(
    (r) => r.checkSet === latest.checkSet && r.hosts.some((h) => h.host === host && !unchecked(h)),
  );
}

/**
 * What `run` is compared with: each host's record from that host's own previous run (as
 * HistoryStore.previousRunsOf finds it), or no record when it has none. Undefined when no host has
 * a previous run.
 *
 * @example diffRuns(previousPerHost(run, await store.previousRunsOf(run), loaded), run)
 */
export function previousPerHost(
  run: ComplianceRun,
  previous: ReadonlyMap<string, string>,
  loaded: readonly ComplianceRun[],
): ComplianceRun | undefined {
  const byId = new Map(loaded.map((r) => [r.id, r]));
  const hosts = run.hosts.flatMap((h) => {
    const record = byId.get(previous.get(h.host) ?? "")?.hosts.find((x) => x.host === h.host);
    return record ? [record] : [];
  });
  if (hosts.length === 0) return undefined;
  const newest = [...previous.values()].map((id) => byId.get(id)).find((r) => r !== undefined);
  return { ...(newest ?? run), hosts };
}

export interface RunDiff {
  from: { id: string; at: string };
  to: { id: string; at: string };
  newlyFailing: DiffItem[];
  fixed: DiffItem[];
  stillFailing: DiffItem[];
  /** Hosts in `to` that `from` did not have, and the other way round. */
  hostsAdded: string[];
  hostsRemoved: string[];
}

export interface DiffItem {
  host: string;
  check: string;
  title: string;
  severity?: string;
  before?: EffectiveStatus;
  after?: EffectiveStatus;
  message: string;
}

/**
 * What changed between two runs of the same fleet.
 *
 * @example diffRuns(yesterday, today).newlyFailing.length
 */
export function diffRuns(from: ComplianceRun, to: ComplianceRun): RunDiff {
  const a = statusMap(from);
  const item = (host: string, c: CheckRecord, before?: CheckRecord, after?: CheckRecord): DiffItem => ({
    host,
    check: c.id,
    title: c.title,
    ...(c.severity ? { severity: c.severity } : {}),
    ...(before ? { before: before.status } : {}),
    ...(after ? { after: after.status } : {}),
    message: c.message,
  });
  const out: RunDiff = {
    from: { id: from.id, at: from.startedAt },
    to: { id: to.id, at: to.startedAt },
    newlyFailing: [],
    fixed: [],
    stillFailing: [],
    hostsAdded: to.hosts.map((h) => h.host).filter((h) => !from.hosts.some((f) => f.host === h)),
    hostsRemoved: from.hosts.map((h) => h.host).filter((h) => !to.hosts.some((t) => t.host === h)),
  };
  for (const h of to.hosts) {
    for (const c of h.checks) {
      const before = a.get(key(h.host, c.id));
      if (isFailing(c.status)) {
        if (before !== undefined && isFailing(before.status))
          out.stillFailing.push(item(h.host, c, before, c));
        else out.newlyFailing.push(item(h.host, c, before, c));
      } else if (before !== undefined && isFailing(before.status)) out.fixed.push(item(h.host, c, before, c));
    }
  }
  // A failing check that is gone (the host left, the check was excluded) is not "fixed": nothing is said.
  return out;
}
