/**
 * Drift as check outcomes: install-engine's plan for a host, made in check mode, read as checks.
 * A resource already in place passes (its no-op reason is the evidence); a resource with steps
 * still to run fails, with the steps and their diff as evidence and the desired value beside the
 * current one; a resource the playbook cannot plan on this host is an error.
 */
import type { CheckOutcome } from "../checks/check.js";

/**
 * One resource's plan as the runner reports it (the engine's `PlanEntry`; the runner must keep
 * diffs in check mode so drift can show expected beside actual).
 */
export interface DriftEntry {
  resource: string;
  outcome: "noop" | "change" | "fail";
  reason?: string;
  steps?: { description: string; diff?: string }[];
  message?: string;
  hint?: string;
}

/** `drift.install-engine.daemon-json:/etc/docker/daemon.json`: stable, so history and waivers can name it. */
export const driftId = (playbook: string, resource: string): string => `drift.${playbook}.${resource}`;

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

/**
 * @example driftOutcomes("install-engine", hostResult.plan).filter((o) => o.status === "fail")
 */
export function driftOutcomes(playbook: string, plan: readonly DriftEntry[]): CheckOutcome[] {
  const command = `ops run ${playbook} --check --diff --limit <host>`;
  return plan.map((entry): CheckOutcome => {
    const base = {
      id: driftId(playbook, entry.resource),
      title: `${playbook}: ${entry.resource} is as the playbook wants it`,
      labels: { drift: playbook, severity: "medium" },
    };
    if (entry.outcome === "noop") {
      const reason = entry.reason ?? "in place";
      return {
        ...base,
        status: "pass",
        message: reason,
        evidence: { command, outputTail: reason, source: "plan" },
      };
    }
    if (entry.outcome === "fail") {
      const message = entry.message ?? "the playbook cannot plan this resource";
      return {
        ...base,
        status: "error",
        message,
        evidence: { command, outputTail: message, source: "plan" },
        ...(entry.hint ? { hint: entry.hint } : {}),
      };
    }
    const steps = entry.steps ?? [];
    const diff = steps.map((s) => s.diff ?? "").join("");
    const sides = diffSides(diff);
    const listed = steps.map((s) => `would ${s.description}`).join("\n");
    return {
      ...base,
      status: "fail",
      message: `drift: ${steps.map((s) => s.description).join("; ") || "changes to make"}`,
      evidence: { command, outputTail: [listed, diff.trimEnd()].filter(Boolean).join("\n"), source: "plan" },
      expected: sides.expected || steps.map((s) => s.description).join("; "),
      actual: sides.actual || "not done",
      hint: `ops run ${playbook} --limit <host> puts it back (or waive drift.${playbook} if the change is wanted)`,
    };
  });
}
