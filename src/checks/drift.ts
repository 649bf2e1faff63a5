/**
 * Drift as checks: in compliance, every resource of a playbook is also a check. A resource already
 * in place passes; a planned change fails, with the steps it would run (and their diffs) as evidence,
 * so "daemon.json: registry-mirrors differs" sits beside the baseline's checks. Pure.
 */
import type { HostPlan } from "../plan/plan-host.js";
import type { CheckOutcome } from "./check.js";

/**
 * Desired and current values from a diff: the `+`/`~ new` side and the `-`/`~ old` side, for a
 * key diff (`~ registry-mirrors: [] -> ["http://m"]`) and a unified diff alike.
 *
 * @example diffSides('~ live-restore: false -> true\n') // { expected: "live-restore: true", actual: "live-restore: false" }
 */
export function diffSides(diff: string): { expected: string; actual: string } {
  const expected: string[] = [];
  const actual: string[] = [];
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++") || line.startsWith("---")) continue;
    const changed = /^~ ([^:]+): (.*) -> (.*)$/.exec(line);
    if (changed) {
      actual.push(`${changed[1]}: ${changed[2]}`);
      expected.push(`${changed[1]}: ${changed[3]}`);
    } else if (line.startsWith("+")) expected.push(line.slice(1).trim());
    else if (line.startsWith("-")) actual.push(line.slice(1).trim());
  }
  return { expected: expected.join("\n"), actual: actual.join("\n") };
}

/** The first `max` lines of a text, and how many were left out: a new file's diff is the whole file. */
export function clip(text: string, max: number): string {
  const lines = text.split("\n");
  return lines.length <= max
    ? text
    : `${lines.slice(0, max).join("\n")}\n… (${lines.length - max} more lines)`;
}

/** The check id of a resource's drift. */
export const driftId = (resource: string): string => `drift.${resource}`;

/**
 * @example driftOutcomes(plan).filter((o) => o.status === "fail").map((o) => o.id) // ["drift.daemon-json:/etc/docker/daemon.json"]
 */
export function driftOutcomes(plan: HostPlan): CheckOutcome[] {
  const outcomes: CheckOutcome[] = plan.resources.map((r) => {
    const head = {
      id: driftId(r.id),
      title: `${r.id} is as the playbook wants it`,
      labels: { kind: "drift" },
    };
    if (r.outcome.kind === "noop")
      return {
        ...head,
        status: "pass",
        message: r.outcome.reason,
        evidence: { command: "ops run --check", outputTail: "" },
      };
    const steps = r.outcome.kind === "change" ? r.outcome.steps : [];
    const diffs = steps
      .map((s) => s.diff ?? "")
      .filter(Boolean)
      .join("\n");
    // Expected beside actual: the two sides of the diff ("registry-mirrors: [...]" beside "[]").
    const sides = diffSides(diffs);
    return {
      ...head,
      status: "fail",
      message: `drift: would ${steps.map((s) => s.description).join("; ")}`,
      expected: clip(sides.expected, 6) || "in place",
      actual: clip(sides.actual, 6) || steps.map((s) => s.description).join("; "),
      hint: "run `ops run <playbook>` to converge it, or find who changed it",
      evidence: {
        command: "ops run --check --diff",
        outputTail: clip(diffs, 16),
        source: "the playbook's plan",
      },
    };
  });
  if (plan.failure) {
    const { resource, message, hint } = plan.failure;
    outcomes.push({
      id: driftId(resource),
      title: `${resource} can be planned`,
      labels: { kind: "drift" },
      status: "error",
      message,
      ...(hint ? { hint } : {}),
      evidence: { command: "ops run --check", outputTail: "" },
    });
  }
  return outcomes;
}
