/**
 * Choosing mirrors by measurement: each candidate was fetched from every host; a candidate is
 * usable when every host got a good answer, and the fastest usable one (by its slowest host) is
 * recommended. Pure: timings in, verdicts out.
 */
import type { UrlTiming } from "../facts/url-timings.js";

export interface Ranked {
  id: string;
  /** Hosts that got a good answer. */
  good: number;
  /** Hosts asked. */
  of: number;
  /** The slowest good answer, in ms (what the fleet as a whole waits for). */
  slowestMs: number | null;
  /** Every host got a good answer. */
  usable: boolean;
  /** What most hosts that did not get a good answer saw: "timed out after 3 s", "HTTP 404". */
  problem?: string;
}

/** What a host saw, as a problem, or undefined when the answer was good. */
function problemOf(t: UrlTiming, goodCodes: readonly number[]): string | undefined {
  if (!t.reached) return t.error ?? "not reached";
  if (t.httpCode !== null && !goodCodes.includes(t.httpCode)) return `HTTP ${t.httpCode}`;
  return undefined;
}

/**
 * @param timings `timings[host][candidate]`, in the order of `ids`.
 * @param goodCodes HTTP statuses that mean the candidate is what we want (200; a registry's 401 too).
 * @example rankMirrors(["lab"], [[{ url, reached: true, httpCode: 200, ms: 4 }]], [200])
 *   // [{ id: "lab", good: 1, of: 1, slowestMs: 4, usable: true }]
 */
export function rankMirrors(
  ids: readonly string[],
  timings: readonly (readonly UrlTiming[])[],
  goodCodes: readonly number[],
): Ranked[] {
  return ids.map((id, i) => {
    const seen = timings.map((host) => host[i]).filter((t): t is UrlTiming => t !== undefined);
    const problems = seen.map((t) => problemOf(t, goodCodes)).filter((p): p is string => p !== undefined);
    const goodMs = seen
      .filter((t) => problemOf(t, goodCodes) === undefined)
      .map((t) => t.ms)
      .filter((ms): ms is number => ms !== null);
    const ranked: Ranked = {
      id,
      good: seen.length - problems.length,
      of: timings.length,
      slowestMs: goodMs.length > 0 ? Math.max(...goodMs) : null,
      usable: timings.length > 0 && problems.length === 0 && seen.length === timings.length,
    };
    const common = mostCommon(problems);
    return common ? { ...ranked, problem: common } : ranked;
  });
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** The usable candidates, fastest first (a candidate with no time comes last; ties keep their order). */
export function fastestFirst(ranked: readonly Ranked[]): Ranked[] {
  return ranked
    .filter((r) => r.usable)
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.slowestMs ?? Infinity) - (b.r.slowestMs ?? Infinity) || a.i - b.i)
    .map(({ r }) => r);
}

/**
 * One line about a candidate.
 *
 * @example describeRanked({ id, good: 3, of: 3, slowestMs: 4, usable: true }) === "4 ms from 3/3 hosts"
 * @example describeRanked({ id, good: 0, of: 3, slowestMs: null, usable: false, problem: "timed out after 3 s" })
 *   === "unreachable from 3/3 hosts: timed out after 3 s"
 */
export function describeRanked(r: Ranked): string {
  const bad = r.of - r.good;
  if (r.usable)
    return `${r.slowestMs === null ? "time unknown" : `${r.slowestMs} ms`} from ${r.of}/${r.of} hosts`;
  const where = `${bad}/${r.of} hosts`;
  const unreachable = r.problem !== undefined && !r.problem.startsWith("HTTP ");
  return `${unreachable ? "unreachable" : "no good answer"} from ${where}: ${r.problem ?? "no answer"}`;
}
