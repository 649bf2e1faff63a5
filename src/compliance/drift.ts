/**
 * Drift as checks: a playbook's plan for a host, made in check mode by the engine's own planner
 * (planHost), read as one check per resource. A resource already in place passes (its no-op reason
 * is the evidence); one with steps still to run fails, with the steps and their diff as evidence and
 * the desired value beside the current one; one the playbook cannot plan is an error, and so is every
 * resource after it (planning stops there, as `ops run --check` does). The checks read the resources'
 * own facts, so drift costs nothing beyond the host's one probe.
 */
import type { Check, CheckResult } from "../checks/check.js";
import type { FactSet } from "../facts/fact.js";
import { planHost, type HostPlan } from "../plan/plan-host.js";
import type { Resource } from "../resources/resource.js";

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

/** The first `max` lines of a text, and how many were left out: a new file's diff is the whole file. */
export function clip(text: string, max: number): string {
  const lines = text.split("\n");
  return lines.length <= max
    ? text
    : `${lines.slice(0, max).join("\n")}\n… (${lines.length - max} more lines)`;
}

/** One resource's verdict from the host's plan. */
function driftResult(playbook: string, plan: HostPlan, resource: string): CheckResult {
  const command = `ops run ${playbook} --check --diff --limit <host>`;
  const evidence = (output: string) => ({ command, outputTail: output, source: `${playbook} plan` });
  const planned = plan.resources.find((r) => r.id === resource);
  if (planned === undefined) {
    const failure = plan.failure;
    const here = failure?.resource === resource;
    const message = here
      ? (failure?.message ?? "cannot be planned")
      : `not planned: ${failure?.resource ?? "an earlier resource"} cannot be planned on this host`;
    return {
      status: "error",
      message,
      evidence: evidence(message),
      ...(here && failure?.hint ? { hint: failure.hint } : { hint: `ops run ${playbook} --check shows why` }),
    };
  }
  if (planned.outcome.kind === "noop")
    return { status: "pass", message: planned.outcome.reason, evidence: evidence(planned.outcome.reason) };
  const steps = planned.outcome.kind === "change" ? planned.outcome.steps : [];
  const diff = steps.map((s) => s.diff ?? "").join("");
  const sides = diffSides(diff);
  const listed = steps.map((s) => `would ${s.description}`).join("\n");
  const descriptions = steps.map((s) => s.description).join("; ");
  return {
    status: "fail",
    message: `drift: ${descriptions || "changes to make"}`,
    evidence: evidence(clip([listed, diff.trimEnd()].filter(Boolean).join("\n"), 16)),
    expected: clip(sides.expected, 6) || descriptions,
    actual: clip(sides.actual, 6) || "not done",
    hint: `ops run ${playbook} --limit <host> puts it back (or waive drift.${playbook} if the change is wanted)`,
  };
}

/**
 * The drift checks of one playbook's resources for one host. The plan is made once per host (all
 * checks of the host share its FactSet) and read by each check.
 *
 * @example driftChecks("install-engine", installEngine.resources(vars, host, run))
 */
export function driftChecks(playbook: string, resources: readonly Resource[]): Check[] {
  const plans = new WeakMap<FactSet, HostPlan>();
  const planOf = (facts: FactSet): HostPlan => {
    let plan = plans.get(facts);
    if (plan === undefined) {
      plan = planHost(resources, facts);
      plans.set(facts, plan);
    }
    return plan;
  };
  // A resource's plan may read the facts of the resources before it: each check waits on them all.
  const allFacts = resources.flatMap((r) => r.facts);
  return resources.map((r) => ({
    id: driftId(playbook, r.id),
    title: `${playbook}: ${r.id} is as the playbook wants it`,
    labels: { drift: playbook, severity: "medium" },
    facts: allFacts,
    command: `ops run ${playbook} --check --diff`,
    judge: (facts) => driftResult(playbook, planOf(facts), r.id),
  }));
}
