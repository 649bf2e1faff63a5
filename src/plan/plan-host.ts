/**
 * Pure planning: resources x facts -> what each resource would do. Never touches a host, so
 * `--check` and compliance are "plan, don't apply".
 */
import type { Fact, FactSet } from "../facts/fact.js";
import type { Outcome, Resource } from "../resources/resource.js";

export interface PlannedResource {
  id: string;
  outcome: Outcome;
}

export interface HostPlan {
  resources: PlannedResource[];
  /** The first resource that cannot be planned (a precondition or a bad fact); later ones are not planned. */
  failure?: { resource: string; message: string; hint?: string };
  /** Steps the plan holds, over all resources. */
  stepCount: number;
}

/** The facts every resource needs, deduplicated by name, in first-use order. */
export function factsOf(
  resources: readonly Resource[],
  extra: readonly Fact<unknown>[] = [],
): Fact<unknown>[] {
  const seen = new Map<string, Fact<unknown>>();
  for (const fact of [...extra, ...resources.flatMap((r) => r.facts)]) {
    if (!seen.has(fact.name)) seen.set(fact.name, fact);
  }
  return [...seen.values()];
}

/**
 * Plans resources in order. Stops at the first failure: later resources were written assuming the
 * earlier ones converge (no packages before the key is trusted).
 */
export function planHost(resources: readonly Resource[], facts: FactSet): HostPlan {
  const planned: PlannedResource[] = [];
  let stepCount = 0;
  for (const resource of resources) {
    let outcome: Outcome;
    try {
      outcome = resource.plan(facts);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { resources: planned, failure: { resource: resource.id, message }, stepCount };
    }
    if (outcome.kind === "fail") {
      const failure = {
        resource: resource.id,
        message: outcome.message,
        ...(outcome.hint ? { hint: outcome.hint } : {}),
      };
      return { resources: planned, failure, stepCount };
    }
    if (outcome.kind === "change") stepCount += outcome.steps.length;
    planned.push({ id: resource.id, outcome });
  }
  return { resources: planned, stepCount };
}
