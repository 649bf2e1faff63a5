/**
 * Waivers applied to a host's check outcomes. The engine calls `judgeWithWaivers` on each outcome
 * before it is recorded (its `judged` hook), so every report, the history and the exit code see the
 * same verdict: an active waiver marks a failure (or an error) `waived`, which fails nothing; an
 * expired one leaves the verdict as it is and says so in the message. A check an active waiver
 * says not to run (`run: false`) stays out of the host's probe and is reported waived, not run.
 * Pure.
 */
import { reportStatus, type Check, type CheckOutcome, type ReportStatus } from "../checks/check.js";
import { compileGlob } from "../text/glob.js";
import { matches } from "./check-ids.js";
import type { Waiver } from "./waivers.js";

/** What a waiver did to one outcome, as history and the reports keep it. */
export interface WaiverNote {
  readonly state: "active" | "expired";
  readonly justification: string;
  readonly expires: string;
  readonly origin: string;
  /** The check did not run on this host: an active waiver said `run: false`. */
  readonly notRun?: boolean;
}

/** A check outcome as compliance reports it: the engine's outcome, and the waiver that applies. */
export type ComplianceOutcome = CheckOutcome & { readonly waiver?: WaiverNote };

/** What reports count: the verdict, or "waived" for an accepted failure (the engine's one rule). */
export type EffectiveStatus = ReportStatus;

/** Every status a report counts, in the order reports list them (worst first). */
export const STATUSES: readonly EffectiveStatus[] = ["fail", "error", "waived", "pass", "not-applicable"];

/** YYYY-MM-DD of an instant, in UTC (waivers expire at the end of their day in UTC). */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface FoundWaiver {
  waiver: Waiver;
  state: "active" | "expired";
}

/**
 * Whether a waiver covers what an outcome is about: a waiver without `containers:` covers all; one
 * with it covers a failure only when every container the failure names matches its pattern.
 */
function covers(w: Waiver, subjects: readonly string[] | undefined): boolean {
  if (w.subjects !== undefined)
    return (subjects ?? []).length > 0 && (subjects ?? []).every((s) => w.subjects?.has(s));
  if (w.containers === undefined) return true;
  if (subjects === undefined || subjects.length === 0) return false;
  const glob = compileGlob(w.containers);
  return subjects.every((name) => glob.test(name));
}

/**
 * The waiver for a host's check: the first active one, else the first expired one, else none.
 * `subjects` are the containers a failure names (what waivers with `containers:` match).
 *
 * @example findWaiver(waivers, "el9-1", "cis.2.2", "2026-05-01")?.state // "active"
 */
export function findWaiver(
  waivers: readonly Waiver[],
  host: string,
  checkId: string,
  today: string,
  subjects?: readonly string[],
): FoundWaiver | undefined {
  const mine = waivers.filter(
    (w) => w.hostNames.has(host) && matches(w.check, checkId) && covers(w, subjects),
  );
  const active = mine.find((w) => today <= w.expires);
  if (active) return { waiver: active, state: "active" };
  const expired = mine[0];
  return expired ? { waiver: expired, state: "expired" } : undefined;
}

/** Why an active containers waiver does not waive a failure: the containers it leaves out. */
function leftOut(
  waivers: readonly Waiver[],
  host: string,
  o: CheckOutcome,
  today: string,
): string | undefined {
  const subjects = o.subjects ?? [];
  for (const w of waivers) {
    if (w.containers === undefined || today > w.expires) continue;
    if (!w.hostNames.has(host) || !matches(w.check, o.id)) continue;
    const glob = compileGlob(w.containers);
    const out = subjects.filter((n) => !glob.test(n));
    if (out.length < subjects.length)
      return `the waiver at ${w.origin} covers containers ${w.containers}, not ${out.join(", ")}`;
  }
  return undefined;
}

const noteOf = ({ waiver: w, state }: FoundWaiver): WaiverNote => ({
  state,
  justification: w.justification,
  expires: w.expires,
  origin: w.origin,
  ...(state === "active" && !w.run ? { notRun: true } : {}),
});

/**
 * The engine's `judged` hook: one outcome with its host's waiver applied. An active waiver accepts a
 * failure (and a check it kept from running); an error is never waived: what could not be seen is
 * not accepted, it is reported.
 *
 * @example executeCommand({ ..., judged: judgeWithWaivers(waivers, utcDay(new Date())) }, opts)
 */
export function judgeWithWaivers(waivers: readonly Waiver[], today: string) {
  return (host: string, outcome: CheckOutcome): CheckOutcome => {
    const found = findWaiver(waivers, host, outcome.id, today, outcome.subjects);
    if (found === undefined) {
      const why = outcome.status === "fail" ? leftOut(waivers, host, outcome, today) : undefined;
      return why === undefined ? outcome : { ...outcome, message: `${outcome.message} (${why})` };
    }
    const w = found.waiver;
    if (found.state === "active") {
      const notRun = !w.run;
      if (outcome.status === "fail" || notRun)
        return {
          ...outcome,
          waived: { justification: w.justification, expires: w.expires, ...(notRun ? { notRun } : {}) },
        };
      if (outcome.status === "error")
        return { ...outcome, message: `${outcome.message} (a waiver covers failures, not errors)` };
      return outcome;
    }
    if (outcome.status !== "fail" && outcome.status !== "error") return outcome;
    return { ...outcome, message: `${outcome.message} (waiver expired on ${w.expires}: ${w.justification})` };
  };
}

/**
 * A host's checks without those an active `run: false` waiver covers: each is replaced by a check
 * with no probe that reports it waived, not run.
 */
export function withoutSkipped(
  checks: readonly Check[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): Check[] {
  return checks.map((check) => {
    const found = findWaiver(waivers, host, check.id, today);
    if (found?.state !== "active" || found.waiver.run) return check;
    const w = found.waiver;
    return {
      id: check.id,
      title: check.title,
      ...(check.labels ? { labels: check.labels } : {}),
      facts: [],
      // Not judged: an error in the verdict, reported "waived" (the waiver says not to run it).
      judge: () => ({
        status: "error" as const,
        message: `not run: waived until ${w.expires} (${w.justification})`,
        evidence: { command: check.command ?? check.id, outputTail: "", source: w.origin },
        actual: "not run",
      }),
    };
  });
}

/** The waiver note of each outcome, for history and reports (the verdicts are the engine's). */
export function noteWaivers(
  outcomes: readonly CheckOutcome[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): ComplianceOutcome[] {
  return outcomes.map((o) => {
    const found = findWaiver(waivers, host, o.id, today, o.subjects);
    return found ? { ...o, waiver: noteOf(found) } : o;
  });
}

/**
 * The status reports show and count.
 *
 * @example effectiveStatus({ status: "fail", waived: { justification: "legacy" }, ... }) === "waived"
 */
export function effectiveStatus(o: ComplianceOutcome): EffectiveStatus {
  return reportStatus(o);
}
