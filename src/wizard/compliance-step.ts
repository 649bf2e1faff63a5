/**
 * Whether to run compliance (`ops check`) on a schedule, and when. Offered only when this ops has
 * `ops schedule`; the answer becomes a command the wizard prints and offers to run.
 */
import type { Ask } from "./ask.js";

export interface ComplianceResult {
  /** A systemd OnCalendar expression, or undefined for none. */
  schedule: string | undefined;
}

/** `daily`, `weekly`, `Mon..Fri 06:00`: what systemd's OnCalendar reads, in a shape we can check. */
const CALENDAR = /^[A-Za-z0-9 :.,*/~-]{1,64}$/;

/**
 * Question id `compliance.schedule`.
 *
 * @example await complianceStep(ask, { canSchedule: false, say }) // { schedule: undefined }
 */
export async function complianceStep(
  ask: Ask,
  ctx: { canSchedule: boolean; say: (line: string) => void },
): Promise<ComplianceResult> {
  if (!ctx.canSchedule) {
    ctx.say("  Compliance checks on a schedule (ops schedule) are not in this version of ops: skipped.");
    return { schedule: undefined };
  }
  const when = await ask.chooseOrType("compliance.schedule", {
    message: "Run compliance checks (ops check) on a schedule?",
    choices: [
      { value: "none", name: "no" },
      { value: "daily", name: "every day" },
      { value: "weekly", name: "every week" },
    ],
    default: "none",
    other: {
      name: "another time (systemd OnCalendar, e.g. Mon..Fri 06:00)…",
      message: "OnCalendar",
      validate: (v) => CALENDAR.test(v) || "an OnCalendar expression such as daily or Mon..Fri 06:00",
    },
  });
  return { schedule: when === "none" ? undefined : when };
}
