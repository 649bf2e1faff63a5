/**
 * Judges a host's checks from its gathered facts. Pure. A check whose probes did not run (a need
 * failed) or did not finish is an error, never a pass; a judge that throws is an error too, so a bug
 * in one check never hides the others.
 */
import type { Fact, FactSet, ProbeStatus } from "../facts/fact.js";
import { tailOf, type Check, type CheckOutcome, type CheckResult } from "./check.js";

const headOf = (check: Check): Pick<CheckOutcome, "id" | "title" | "labels"> => ({
  id: check.id,
  title: check.title,
  ...(check.labels ? { labels: check.labels } : {}),
});

/**
 * Why a probe's answer cannot be used, when it ended badly: cut off, timed out, a command missing,
 * or another non-zero status. Undefined when it exited 0 and arrived whole.
 *
 * @example probeFailure({ exitCode: 124, complete: true, output: "" }) === "it timed out"
 */
export function probeFailure(probe: ProbeStatus | undefined): string | undefined {
  if (probe === undefined || (probe.exitCode === 0 && probe.complete)) return undefined;
  if (!probe.complete) return "its output was cut off";
  if (probe.exitCode === 124) return "it timed out";
  if (probe.exitCode === 127) return "a command it needs is missing";
  return `it exited ${probe.exitCode}`;
}

/** The hint of a check whose fact could not be read. */
export const unreadHint = (command: string): string =>
  `run '${command}' on the host to see why (ops reads Docker's files as root: become)`;

function errorOutcome(check: Check, message: string, fact?: Fact<unknown>, facts?: FactSet): CheckOutcome {
  const probe = fact && facts?.probeOf(fact);
  const command = fact?.command ?? fact?.name ?? check.command ?? check.id;
  return {
    ...headOf(check),
    status: "error",
    message,
    evidence: {
      command,
      outputTail: probe ? tailOf(probe.output, 8) : "",
      ...(probe && probe.exitCode >= 0 ? { exitCode: probe.exitCode } : {}),
    },
    ...(fact ? { hint: unreadHint(command) } : {}),
  };
}

/**
 * @example judgeChecks(checks, facts).filter((o) => o.status !== "pass")
 */
export function judgeChecks(checks: readonly Check[], facts: FactSet): CheckOutcome[] {
  const done = new Map<string, CheckOutcome>();
  return checks.map((check) => {
    const outcome = judgeOne(check, facts, done);
    done.set(check.id, outcome);
    return outcome;
  });
}

function judgeOne(check: Check, facts: FactSet, done: ReadonlyMap<string, CheckOutcome>): CheckOutcome {
  if (check.facts.some((f) => facts.skipped(f))) {
    const failed = (check.needs ?? []).filter((id) => done.get(id)?.status !== "pass");
    return errorOutcome(check, `not run: ${failed.join(", ") || "a check it needs"} did not pass`);
  }
  const brokenFact = check.facts.find((f) => facts.errorOf(f) !== undefined);
  const broken = brokenFact && facts.errorOf(brokenFact);
  if (brokenFact && broken) {
    const failed = probeFailure(facts.probeOf(brokenFact));
    const unfinished = /printed no section/.test(broken.message);
    const message = failed
      ? `could not read ${brokenFact.command ?? brokenFact.name}: ${failed}`
      : unfinished
        ? "the check did not finish (the batch stopped before it)"
        : `could not read: ${broken.message}`;
    return errorOutcome(check, message, brokenFact, facts);
  }
  let result: CheckResult;
  try {
    result = check.judge(facts);
  } catch (err) {
    return errorOutcome(
      check,
      `the check could not judge: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return { ...headOf(check), ...result };
}
