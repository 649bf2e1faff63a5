/**
 * Waivers applied to check outcomes: a pure transformation from what a host's checks found to what
 * the reports and the exit code count. An active waiver turns a failure (or an error) into
 * "waived"; an expired one leaves the verdict as it is and says so in the message.
 */
import type { Check, CheckOutcome } from "../checks/check.js";
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
): { waiver: Waiver; state: "active" | "expired" } | undefined {
  const mine = waivers.filter((w) => w.hostNames.has(host) && matches(w.check, checkId));
  const active = mine.find((w) => today <= w.expires);
  if (active) return { waiver: active, state: "active" };
  const expired = mine[0];
  return expired ? { waiver: expired, state: "expired" } : undefined;
}

const note = (w: Waiver, state: "active" | "expired", notRun = false): WaiverNote => ({
  state,
  justification: w.justification,
  expires: w.expires,
  origin: w.origin,
  ...(notRun ? { notRun } : {}),
});

/**
 * The checks to run on a host: those an active `run: false` waiver covers are left out, and come
 * back from `notRunOutcomes` as waived.
 */
export function checksToRun(
  checks: readonly Check[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): Check[] {
  return checks.filter((c) => {
    const found = findWaiver(waivers, host, c.id, today);
    return !(found?.state === "active" && !found.waiver.run);
  });
}

/** Outcomes for the checks `checksToRun` left out: waived, not run. */
export function notRunOutcomes(
  checks: readonly Check[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): ComplianceOutcome[] {
  return checks.flatMap((c) => {
    const found = findWaiver(waivers, host, c.id, today);
    if (found?.state !== "active" || found.waiver.run) return [];
    const w = found.waiver;
    return [
      {
        id: c.id,
        title: c.title,
        ...(c.labels ? { labels: c.labels } : {}),
        status: "pass",
        message: `not run: waived until ${w.expires} (${w.justification})`,
        evidence: { command: "", outputTail: "", source: w.origin },
        actual: "not run",
        waiver: note(w, "active", true),
      },
    ];
  });
}

/**
 * Applies waivers to one host's outcomes. Pure.
 *
 * @example applyWaivers(outcomes, waivers, "el9-1", utcDay(new Date()))
 */
export function applyWaivers(
  outcomes: readonly CheckOutcome[],
  waivers: readonly Waiver[],
  host: string,
  today: string,
): ComplianceOutcome[] {
  return outcomes.map((o) => {
    const found = findWaiver(waivers, host, o.id, today);
    if (!found) return o;
    const { waiver: w, state } = found;
    if (state === "expired" && o.status !== "pass") {
      const message = `${o.message} (waiver expired on ${w.expires}: ${w.justification})`;
      return { ...o, message, waiver: note(w, "expired") };
    }
    return { ...o, waiver: note(w, state) };
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
