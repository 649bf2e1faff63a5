/**
 * Judges a host's checks from its gathered facts. Pure. A check whose probes did not run (a need
 * failed) or did not finish is an error, never a pass; a judge that throws is an error too, so a bug
 * in one check never hides the others.
 */
import type { FactSet } from "../facts/fact.js";
import type { Check, CheckOutcome, CheckResult } from "./check.js";

const headOf = (check: Check): Pick<CheckOutcome, "id" | "title" | "labels"> => ({
  id: check.id,
  title: check.title,
  ...(check.labels ? { labels: check.labels } : {}),
});

function errorOutcome(check: Check, message: string, output = ""): CheckOutcome {
  return {
    ...headOf(check),
    status: "error",
    message,
    evidence: { command: check.command ?? check.id, outputTail: output },
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
  const broken = check.facts.map((f) => facts.errorOf(f)).find((e) => e !== undefined);
  if (broken) {
    const unfinished = /printed no section/.test(broken.message);
    return errorOutcome(
      check,
      unfinished
        ? "the check did not finish (the batch stopped before it)"
        : `could not read: ${broken.message}`,
    );
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
