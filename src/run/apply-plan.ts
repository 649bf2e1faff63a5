/**
 * The impure half of a run on one host: runs the planned steps in order, then each notified
 * handler once, recording each (and so emitting an event). The first failing step stops the host
 * (later steps were planned assuming it succeeded) and surfaces as StepFailed.
 */
import { Interrupted, StepFailed } from "../errors.js";
import { handlersToRun } from "../plan/handlers.js";
import type { HostPlan } from "../plan/plan-host.js";
import type { Handler, Step } from "../resources/resource.js";
import type { Transport } from "../transport/transport.js";
import { tail } from "../text/tail.js";
import { countBytes } from "../transport/stream.js";
import type { HostRecorder } from "./host-recorder.js";

export interface ApplyDeps {
  now(): number;
  /** Aborted by an interrupt: no further step starts; the step in flight finishes on the host. */
  signal?: AbortSignal;
}

/** Applies `plan`, recording every step and handler that ran. */
export async function applyPlan(
  transport: Transport,
  plan: HostPlan,
  handlers: readonly Handler[],
  deps: ApplyDeps,
  rec: HostRecorder,
): Promise<void> {
  const notified = new Set<string>();
  for (const r of plan.resources) {
    if (r.outcome.kind !== "change") continue;
    for (const step of r.outcome.steps) {
      const onBytes = (bytes: number) => rec.stepProgress(r.id, step.description, bytes);
      const { ms, stdout, bytes } = await runStep(transport, step, r.id, deps, onBytes);
      rec.stepRan(r.id, step.description, ms, step.showOutput ? tail(stdout, 5) : undefined, bytes);
      for (const h of step.notify ?? []) notified.add(h);
    }
    rec.resourceChanged();
  }
  for (const handler of handlersToRun(handlers, notified)) {
    const { ms } = await runStep(transport, handler.step, `handler:${handler.name}`, deps);
    rec.handlerRan(handler, ms);
  }
}

/** Runs one step; a non-zero exit becomes StepFailed with the tail of its output. */
async function runStep(
  transport: Transport,
  step: Step,
  resource: string,
  deps: ApplyDeps,
  onBytes?: (bytes: number) => void,
): Promise<{ ms: number; stdout: string; bytes?: number }> {
  if (deps.signal?.aborted) {
    throw new Interrupted(
      `interrupted before ${resource}: ${step.description}; the steps before it stay applied`,
    );
  }
  const t0 = deps.now();
  let sent = 0;
  let shownAt = 0;
  const counted = (bytes: number) => {
    sent = bytes;
    // A progress event at most every 250 ms: a 1 GB stream must not flood the reporters.
    if (onBytes && deps.now() - shownAt >= 250) {
      shownAt = deps.now();
      onBytes(bytes);
    }
  };
  const stdin = step.stdinStream ? countBytes(step.stdinStream(), counted) : step.stdin;
  const result = await transport.exec(step.script, stdin !== undefined ? { stdin } : {});
  if (result.code !== 0) {
    const output = result.stderr.trim() ? result.stderr : result.stdout;
    throw new StepFailed(transport.host, `${resource}: ${step.description}`, result.code, tail(output));
  }
  return { ms: deps.now() - t0, stdout: result.stdout, ...(step.stdinStream ? { bytes: sent } : {}) };
}
