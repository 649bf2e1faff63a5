/**
 * Waivers applied to checks: each check of a host that a waiver covers is wrapped, so its verdict
 * carries the waiver (`waiver` on the outcome) through the engine's events and results to every
 * report. An active waiver makes a failure (or an error) count as "waived"; an expired one leaves
 * the verdict as it is and says so in the message; `run: false` keeps the check out of the host's
 * probe and reports it waived, not run. Pure.
 */
import type { Check, CheckOutcome, CheckResult } from "../checks/check.js";
import type { FactSet } from "../facts/fact.js";
import { matches } from "./check-ids.js";
import { isNotApplicable } from "./checks/support.js";
import type { Waiver } from "./waivers.js";

/** What a waiver did to one outcome. */
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

/** What reports count: a waived failure is "waived", a pass that does not apply is "n/a". */
export type EffectiveStatus = "pass" | "fail" | "error" | "waived" | "n/a";

/** YYYY-MM-DD of an instant, in UTC (waivers expire at the end of their day in UTC). */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface FoundWaiver {
  waiver: Waiver;
  state: "active" | "expired";
}

/**
 * The waiver for a host's check: the first active one, else the first expired one, else none.
 *
 * @example findWaiver(waivers, "el9-1", "cis.daemon.icc", "2026-05-01")?.state // "active"
 */
export function findWaiver(
  waivers: readonly Waiver[],
  host: string,
  checkId: string,
  today: string,
): FoundWaiver | undefined {
  const mine = waivers.filter((w) => w.hostNames.has(host) && matches(w.check, checkId));
  const active = mine.find((w) => today <= w.expires);
  if (active) return { waiver: active, state: "active" };
  const expired = mine[0];
  return expired ? { waiver: expired, state: "expired" } : undefined;
}

const noteOf = ({ waiver: w, state }: FoundWaiver): WaiverNote => ({
  state,
  justification: w.justification,
  expires: w.expires,
  origin: w.origin,
  ...(state === "active" && !w.run ? { notRun: true } : {}),
});

/** A verdict with its waiver: an expired waiver's note is added to the message of a finding. */
export function waive<T extends CheckResult>(result: T, found: FoundWaiver): T & { waiver: WaiverNote } {
  const { waiver: w, state } = found;
  const message =
    state === "expired" && result.status !== "pass"
      ? `${result.message} (waiver expired on ${w.expires}: ${w.justification})`
      : result.message;
  return { ...result, message, waiver: noteOf(found) };
}

/** A check an active `run: false` waiver keeps off the host: no probe, reported waived. */
function notRun(check: Check, found: FoundWaiver): Check {
  const w = found.waiver;
  return {
    id: check.id,
    title: check.title,
    ...(check.labels ? { labels: check.labels } : {}),
    facts: [],
    judge: () =>
      waive(
        {
          status: "pass",
          message: `not run: waived until ${w.expires} (${w.justification})`,
          evidence: { command: check.command ?? check.id, outputTail: "", source: w.origin },
          actual: "not run",
        },
        found,
      ),
  };
}

/** The judge's verdict; one that throws is an error, as the engine reports it, so the waiver still applies. */
function judgeSafely(check: Check, facts: FactSet): CheckResult {
  try {
    return check.judge(facts);
  } catch (err) {
    const message = `the check could not judge: ${err instanceof Error ? err.message : String(err)}`;
    return { status: "error", message, evidence: { command: check.command ?? check.id, outputTail: "" } };
  }
}

/**
 * A host's checks with its waivers applied.
 *
 * @example judgeChecks(withWaivers(checks, waivers, "el9-1", utcDay(new Date())), facts)
 */
export function withWaivers(
  checks: readonly Check[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): Check[] {
  return checks.map((check) => {
    const found = findWaiver(waivers, host, check.id, today);
    if (found === undefined) return check;
    if (found.state === "active" && !found.waiver.run) return notRun(check, found);
    return { ...check, judge: (facts) => waive(judgeSafely(check, facts), found) };
  });
}

/**
 * Waivers applied to outcomes that did not come from a wrapped judge (the engine turns a fact that
 * could not be read into an error outcome itself). Outcomes that already carry a waiver are kept.
 */
export function applyWaivers(
  outcomes: readonly ComplianceOutcome[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): ComplianceOutcome[] {
  return outcomes.map((o) => {
    if (o.waiver !== undefined) return o;
    const found = findWaiver(waivers, host, o.id, today);
    return found ? waive(o, found) : o;
  });
}

/**
 * The status reports show and count.
 *
 * @example effectiveStatus({ status: "fail", waiver: { state: "active", ... } }) === "waived"
 */
export function effectiveStatus(o: ComplianceOutcome): EffectiveStatus {
  if (o.waiver?.state === "active" && (o.status !== "pass" || o.waiver.notRun)) return "waived";
  if (isNotApplicable(o)) return "n/a";
  return o.status;
}

/** Whether a non-passing outcome is waived: what the exit code must not count. */
export function isWaived(o: ComplianceOutcome): boolean {
  return effectiveStatus(o) === "waived";
}
