/**
 * Drift as checks: in compliance, every resource of a playbook is also a check. A resource already
 * in place passes; a planned change fails, with the steps it would run (and their diffs) as evidence,
 * so "daemon.json: registry-mirrors differs" sits beside the baseline's checks. Pure.
 */
import type { HostPlan } from "../plan/plan-host.js";
import type { CheckOutcome } from "./check.js";

/**
 * @example driftOutcomes(plan).filter((o) => o.status === "fail").map((o) => o.id) // ["drift.daemon-json:/etc/docker/daemon.json"]
 */
export function driftOutcomes(plan: HostPlan): CheckOutcome[] {
  const outcomes: CheckOutcome[] = plan.resources.map((r) => {
    const head = {
      id: `drift.${r.id}`,
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
    return {
      ...head,
      status: "fail",
      message: `drift: would ${steps.map((s) => s.description).join("; ")}`,
      expected: "in place",
      actual: steps.map((s) => s.description).join("; "),
      hint: "run `ops run <playbook>` to converge it, or find who changed it",
      evidence: { command: "ops run --check --diff", outputTail: diffs, source: "the playbook's plan" },
    };
  });
  if (plan.failure) {
    const { resource, message, hint } = plan.failure;
    outcomes.push({
      id: `drift.${resource}`,
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
