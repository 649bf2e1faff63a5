/**
 * Compliance: whether install-engine applies the CIS level-1 daemon preset (`docker_cis_profile`),
 * and whether to run `ops check` on a schedule, and when. The schedule is offered only when this ops
 * has `ops schedule`; that answer becomes a command the wizard prints and offers to run.
 */
import type { Ask } from "./ask.js";

export interface ComplianceResult {
  /** A systemd OnCalendar expression, or undefined for none. */
  schedule: string | undefined;
  /** install-engine's `docker_cis_profile`: "level1", or undefined for none (the default). */
  cisProfile?: "level1";
}

/** `daily`, `weekly`, `Mon..Fri 06:00`: what systemd's OnCalendar reads, in a shape we can check. */
const CALENDAR = /^[A-Za-z0-9 :.,*/~-]{1,64}$/;

/**
 * Question ids `compliance.cis_profile` and `compliance.schedule`.
 *
 * @example await complianceStep(ask, { canSchedule: false, say }) // { schedule: undefined }
 */
export async function complianceStep(
  ask: Ask,
  ctx: { canSchedule: boolean; say: (line: string) => void },
): Promise<ComplianceResult> {
  const profile = await ask.choose("compliance.cis_profile", {
    message: "Apply the CIS level-1 daemon preset? (icc off, live-restore, no-new-privileges, bounded logs…)",
    choices: [
      { value: "none", name: "no: daemon.json keeps only what you set" },
      {
        value: "level1",
        name: "level1: the daemon settings CIS Docker Benchmark level 1 asks for (docker_cis_profile)",
      },
    ],
    default: "none",
  });
  const preset: Pick<ComplianceResult, "cisProfile"> = profile === "level1" ? { cisProfile: "level1" } : {};
  if (!ctx.canSchedule) {
    ctx.say("  Compliance checks on a schedule (ops schedule) are not in this version of ops: skipped.");
    return { schedule: undefined, ...preset };
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
  return { schedule: when === "none" ? undefined : when, ...preset };
}
