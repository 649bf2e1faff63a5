/**
 * The impure half of a run on one host: runs the planned steps in order, then each notified
 * handler once, emitting an event per step. The first failing step stops the host (later steps
 * were planned assuming it succeeded) and surfaces as StepFailed.
 */
import { Interrupted, StepFailed } from "../errors.js";
import type { EventSink } from "../events.js";
import { handlersToRun } from "../plan/handlers.js";
import type { HostPlan } from "../plan/plan-host.js";
import type { Handler, Step } from "../resources/resource.js";
import type { Transport } from "../transport/transport.js";
import type { Redactor } from "./redact.js";
import { tail } from "./tail.js";

export interface ApplyDeps {
  emit: EventSink;
  redactor: Redactor;
  now(): number;
  /** Aborted by Ctrl-C: no further step starts; the step in flight finishes on the host. */
  signal?: AbortSignal;
}

/** Applies `plan` and returns how many resources changed. */
export async function applyPlan(
  transport: Transport,
  plan: HostPlan,
  handlers: readonly Handler[],
  deps: ApplyDeps,
): Promise<number> {
  const host = transport.host;
  const notified = new Set<string>();
  let changed = 0;
  for (const r of plan.resources) {
    if (r.outcome.kind !== "change") continue;
    for (const step of r.outcome.steps) {
      const ms = await runStep(transport, step, r.id, deps);
      const description = deps.redactor.mask(step.description);
      deps.emit({ kind: "step-ran", host, resource: r.id, description, ms });
      for (const h of step.notify ?? []) notified.add(h);
    }
    changed++;
  }
  for (const handler of handlersToRun(handlers, notified)) {
    const ms = await runStep(transport, handler.step, `handler:${handler.name}`, deps);
    deps.emit({
      kind: "handler-ran",
      host,
      handler: handler.name,
      description: handler.step.description,
      ms,
    });
  }
  return changed;
}

/** Runs one step; a non-zero exit becomes StepFailed with the (masked) tail of its output. */
async function runStep(transport: Transport, step: Step, resource: string, deps: ApplyDeps): Promise<number> {
  if (deps.signal?.aborted) {
    throw new Interrupted(
      `interrupted before ${resource}: ${step.description}; the steps before it stay applied`,
    );
  }
  const t0 = deps.now();
  const result = await transport.exec(step.script, step.stdin !== undefined ? { stdin: step.stdin } : {});
  if (result.code !== 0) {
    const output = result.stderr.trim() ? result.stderr : result.stdout;
    const what = `${resource}: ${step.description}`;
    throw new StepFailed(transport.host, what, result.code, deps.redactor.mask(tail(output)));
  }
  return deps.now() - t0;
}
