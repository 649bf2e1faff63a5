/**
 * One host's pipeline, the same for `ops run`, `ops verify` and `ops check`: connect, ONE probe
 * for every fact of every resource and check, plan and judge, then (when applying) take the host
 * lock, apply, run handlers. Every failure is caught here and turned into events and the host's
 * result, so one host's failure never stops the others.
 */
import type { Check, CheckOutcome } from "../checks/check.js";
import { driftOutcomes } from "../checks/drift.js";
import { cleanupOf, gatesOf } from "../checks/batch.js";
import { judgeChecks } from "../checks/judge.js";
import { ConnectError, Interrupted, OpsError, StepFailed } from "../errors.js";
import type { EventSink, HostResult } from "../events.js";
import { stopBatchScript } from "../facts/gather.js";
import { LOCK_PATH, lock } from "../facts/lock.js";
import type { InventoryHost } from "../inventory/types.js";
import { handlersToRun } from "../plan/handlers.js";
import { factsOf, planHost, type HostPlan } from "../plan/plan-host.js";
import type { Handler, Resource } from "../resources/resource.js";
import type { Transport } from "../transport/transport.js";
import { applyPlan } from "./apply-plan.js";
import { gatherFacts } from "./gather-facts.js";
import type { HostCleanups } from "./host-cleanups.js";
import { HostRecorder } from "./host-recorder.js";
import { LOCK_BUSY_EXIT, acquireLockScript, releaseLockScript } from "./lock.js";
import { tail } from "../text/tail.js";

/** What one host runs: resources to converge (or plan), their handlers, and checks to judge. */
export interface HostWork {
  resources: readonly Resource[];
  handlers: readonly Handler[];
  checks: readonly Check[];
}

/**
 * A host and how to build its work. The work is built when the host's turn comes, so a run holds
 * the resources of at most `--forks` hosts at once, however many hosts it has.
 */
export interface HostJob {
  host: InventoryHost;
  work(): HostWork;
}

export interface PipelineOptions {
  /** Apply the plan. False for `--check`, verify and compliance: plan and judge only. */
  apply: boolean;
  /** Unique per run: the lock and the batch's pid file name it; only this run releases its lock. */
  runId: string;
  startedAt: string;
  /** Who runs, e.g. "alice@laptop", written into the host lock for whoever finds it. */
  owner: string;
  /**
   * Compliance: each planned resource is also a check, `drift.<resource id>`: in place passes, a
   * planned change fails with its steps (and diffs) as evidence. Drift is a plan that is not empty.
   */
  drift?: boolean;
}

export interface PipelineDeps {
  connect(host: InventoryHost): Promise<Transport>;
  /** Masks secrets itself (the runner's sink), so the pipeline emits raw text. */
  emit: EventSink;
  now(): number;
  cleanups: HostCleanups;
  /**
   * Aborted by an interrupt. A host not yet started is not started; a host in flight finishes its
   * current step, runs no further one and releases its lock; a batch making containers is stopped
   * and cleaned up.
   */
  signal?: AbortSignal;
  /** Runs planning and judging (playbook code, maybe a user's); the CLI makes it interruptible. */
  guard?<T>(work: () => T): T;
  /** Sees each check outcome before it is recorded (compliance marks waived failures here). */
  judged?(host: string, outcome: CheckOutcome): CheckOutcome;
}

/** Where a run's batch keeps its shell's pid, so an interrupt can stop it. */
export const batchPidFile = (runId: string): string => `/tmp/ops-batch-${runId}.pid`;

/** Runs one host's pipeline. Never throws. */
export async function runHostPipeline(
  job: HostJob,
  options: PipelineOptions,
  deps: PipelineDeps,
): Promise<HostResult> {
  const rec = new HostRecorder(job.host.name, deps.emit, deps.now);
  if (deps.signal?.aborted) return rec.done("not-started");
  let transport: Transport;
  try {
    transport = await deps.connect(job.host);
  } catch (err) {
    return rec.unreachable(err);
  }
  rec.connected(transport);
  if (deps.signal?.aborted) {
    // The interrupt came while connecting: nothing was sent, so the host did not start.
    await transport.close().catch(() => undefined);
    return rec.done("not-started");
  }
  let releaseLock: (() => void) | undefined;
  try {
    const guard = deps.guard ?? (<T>(work: () => T): T => work());
    const work = guard(() => job.work());
    const planned = await probeAndPlan(work, transport, options, deps, rec);
    if (planned === undefined) return rec.done("failed");
    const { plan } = planned;
    const notified = new Set(
      plan.resources
        .flatMap((r) => (r.outcome.kind === "change" ? r.outcome.steps : []))
        .flatMap((s) => s.notify ?? []),
    );
    if (!options.apply || plan.stepCount === 0) {
      for (const h of handlersToRun(work.handlers, notified)) rec.handlerPlanned(h);
      return rec.done(rec.changedCount > 0 && !options.apply ? "changed" : "ok");
    }
    if (deps.signal?.aborted) throw new Interrupted("interrupted before the first step; nothing was changed");
    const taken = await transport.exec(
      acquireLockScript({ owner: options.owner, runId: options.runId, started: options.startedAt }),
    );
    if (taken.code !== 0) {
      const hint =
        taken.code === LOCK_BUSY_EXIT
          ? "another ops run started on this host after facts were read"
          : undefined;
      throw new StepFailed(job.host.name, "take the host lock", taken.code, tail(taken.stderr), hint);
    }
    releaseLock = deps.cleanups.add(job.host.name, transport, releaseLockScript(options.runId), "lock");
    const applyDeps = { emit: deps.emit, now: deps.now, ...(deps.signal ? { signal: deps.signal } : {}) };
    await applyPlan(transport, plan, work.handlers, applyDeps, rec);
    return rec.done("changed");
  } catch (err) {
    return err instanceof ConnectError ? rec.unreachable(err) : rec.failed(err);
  } finally {
    if (releaseLock) {
      releaseLock();
      await transport.exec(releaseLockScript(options.runId)).catch(() => undefined);
    }
    await deps.cleanups.settle(job.host.name);
    await transport.close().catch(() => undefined);
  }
}

/**
 * Gathers every fact in one round trip and plans and judges. Returns undefined when the host
 * failed (already recorded): another run holds its lock, or a resource cannot be planned.
 */
async function probeAndPlan(
  work: HostWork,
  transport: Transport,
  options: PipelineOptions,
  deps: PipelineDeps,
  rec: HostRecorder,
): Promise<{ plan: HostPlan } | undefined> {
  const checkFacts = work.checks.flatMap((c) => c.facts);
  const withLock = work.resources.length > 0 ? [lock] : [];
  const facts = [...factsOf(work.resources, withLock), ...checkFacts];
  const cleanup = cleanupOf(work.checks);
  const pidFile = cleanup === undefined ? undefined : batchPidFile(options.runId);
  const undo =
    cleanup === undefined || pidFile === undefined
      ? undefined
      : deps.cleanups.add(transport.host, transport, `${stopBatchScript(pidFile)}\n${cleanup}`, "effects");
  const started = deps.now();
  let set;
  try {
    set = await gatherFacts(transport, facts, {
      gates: gatesOf(work.checks),
      ...(cleanup !== undefined ? { cleanup } : {}),
      ...(pidFile !== undefined ? { pidFile } : {}),
    });
  } catch (err) {
    // The batch's exit trap cleans up when its shell ends; once more in case it never started.
    if (cleanup !== undefined && pidFile !== undefined)
      await transport.exec(`${stopBatchScript(pidFile)}\n${cleanup}`).catch(() => undefined);
    throw err;
  } finally {
    undo?.();
  }
  rec.factsGathered(deps.now() - started, set.size);

  if (work.resources.length > 0) {
    const held = set.get(lock);
    if (held.locked) {
      const holder = `run ${held.runId ?? "?"} by ${held.owner ?? "?"} since ${held.started ?? "?"}`;
      rec.failure({
        kind: "locked",
        message: `another ops run is working on this host (${holder})`,
        hint: `wait for it to finish; if none is running, remove ${LOCK_PATH} on the host`,
      });
      return undefined;
    }
  }
  const guard = deps.guard ?? (<T>(work: () => T): T => work());
  const { plan, outcomes } = guard(() => ({
    plan: planHost(work.resources, set),
    outcomes: judgeChecks(work.checks, set),
  }));
  rec.planned(plan, !options.apply);
  const drift = options.drift ? driftOutcomes(plan) : [];
  for (const outcome of [...drift, ...outcomes])
    rec.checked(deps.judged ? deps.judged(transport.host, outcome) : outcome);
  if (deps.signal?.aborted && outcomes.some((o) => o.status !== "pass")) {
    throw new Interrupted("interrupted while the checks ran; what they created was removed");
  }
  if (plan.failure) {
    const { resource, message, hint } = plan.failure;
    rec.failure({ kind: "precondition", message, ...(hint ? { hint } : {}) }, resource);
    return undefined;
  }
  // A step may notify only what the resource declared (checked before connecting) and a handler
  // that exists: a silently dropped notify would leave a change unapplied.
  const handlerNames = new Set(work.handlers.map((h) => h.name));
  for (const r of plan.resources) {
    const steps = r.outcome.kind === "change" ? r.outcome.steps : [];
    const unknown = steps.flatMap((s) => s.notify ?? []).find((n) => !handlerNames.has(n));
    if (unknown !== undefined) {
      rec.failure(
        { kind: "config", message: `${r.id} notifies handler '${unknown}', which is not registered` },
        r.id,
      );
      return undefined;
    }
  }
  return { plan };
}

/** The kind of an error for events: an OpsError's own, else internal. */
export function errorKind(err: unknown): string {
  return err instanceof OpsError ? err.kind : "internal";
}
