/**
 * One host's pipeline, the same for `ops run`, `ops verify` and `ops check`: connect, ONE probe
 * for every fact of every resource and check, plan and judge, then (when applying) take the host
 * lock, apply, run handlers. Every failure is caught here and turned into events and the host's
 * result, so one host's failure never stops the others.
 */
import type { Check, CheckOutcome } from "../checks/check.js";
import { driftOutcomes } from "../checks/drift.js";
import { judgeChecks } from "../checks/judge.js";
import { ConnectError, Interrupted, StepFailed } from "../errors.js";
import type { EventSink, HostResult } from "../events.js";
import { LOCK_PATH, lock } from "../facts/lock.js";
import type { InventoryHost } from "../inventory/types.js";
import { handlersToRun } from "../plan/handlers.js";
import { factsOf, planHost, type HostPlan } from "../plan/plan-host.js";
import type { Handler, Resource } from "../resources/resource.js";
import type { Transport } from "../transport/transport.js";
import { applyPlan } from "./apply-plan.js";
import { HOST_FACT_PROBES, readHostFacts, type HostFacts } from "../packages/host-facts.js";
import { probeBatch, probeStaged } from "./probe-batch.js";
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
  /** Built from the host's facts, read in the first stage of its one command. */
  work(facts: HostFacts): HostWork;
}

export interface PipelineOptions {
  /** Apply the plan. False for `--check`, verify and compliance: plan and judge only. */
  apply: boolean;
  /** Unique per run: the lock and the batch's pid file name it; only this run releases its lock. */
  runId: string;
  startedAt: string;
  /** Who runs, e.g. "alice@laptop", written into the host lock for whoever finds it. */
  owner: string;
  /** `ops run --verify`: judge the checks after applying (one more round trip), not with the first probe. */
  checksAfterApply?: boolean;
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
  let locked = false;
  try {
    const planned = await probeAndPlan(job, transport, options, deps, rec);
    if (planned === undefined) return rec.done("failed");
    const { plan, work } = planned;
    const notified = new Set(
      plan.resources
        .flatMap((r) => (r.outcome.kind === "change" ? r.outcome.steps : []))
        .flatMap((s) => s.notify ?? []),
    );
    if (!options.apply || plan.stepCount === 0) {
      for (const h of handlersToRun(work.handlers, notified)) rec.handlerPlanned(h);
      await checkAfterApply(work, transport, options, deps, rec);
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
    deps.cleanups.add(job.host.name, transport, releaseLockScript(options.runId), "lock");
    locked = true;
    const applyDeps = { emit: deps.emit, now: deps.now, ...(deps.signal ? { signal: deps.signal } : {}) };
    await applyPlan(transport, plan, work.handlers, applyDeps, rec);
    await checkAfterApply(work, transport, options, deps, rec);
    return rec.done("changed");
  } catch (err) {
    return err instanceof ConnectError ? rec.unreachable(err) : rec.failed(err);
  } finally {
    // Released through the registry: a second signal or a fatal error that ends the process now
    // waits (bounded) for this release in flight instead of exiting before it reached the host.
    if (locked) deps.cleanups.start("lock", job.host.name);
    await deps.cleanups.settle(job.host.name);
    await transport.close().catch(() => undefined);
  }
}

/**
 * `ops run --verify`: the playbooks' checks, judged on the state the run left, in one more round
 * trip (before the lock is released, so no other run changes the host in between).
 */
async function checkAfterApply(
  work: HostWork,
  transport: Transport,
  options: PipelineOptions,
  deps: PipelineDeps,
  rec: HostRecorder,
): Promise<void> {
  if (!options.checksAfterApply || work.checks.length === 0 || deps.signal?.aborted) return;
  const facts = work.checks.flatMap((c) => c.facts);
  const set = await probeBatch(transport, facts, work.checks, options.runId, deps.cleanups);
  const guard = deps.guard ?? (<T>(w: () => T): T => w());
  for (const outcome of guard(() => judgeChecks(work.checks, set)))
    rec.checked(deps.judged ? deps.judged(transport.host, outcome) : outcome);
}

/**
 * Gathers every fact in one command (the host's facts first, then what the work they chose needs)
 * and plans and judges. Returns undefined when the host failed (already recorded): another run
 * holds its lock, or a resource cannot be planned.
 */
async function probeAndPlan(
  job: HostJob,
  transport: Transport,
  options: PipelineOptions,
  deps: PipelineDeps,
  rec: HostRecorder,
): Promise<{ plan: HostPlan; work: HostWork } | undefined> {
  const guard = deps.guard ?? (<T>(work: () => T): T => work());
  let built: HostWork | undefined;
  const started = deps.now();
  const set = await probeStaged(
    transport,
    HOST_FACT_PROBES,
    (hostSet) => {
      const facts = readHostFacts(hostSet);
      const work = guard(() => job.work(facts));
      built = work;
      const checks = options.checksAfterApply ? [] : work.checks;
      const withLock = work.resources.length > 0 ? [lock] : [];
      return { facts: [...factsOf(work.resources, withLock), ...checks.flatMap((c) => c.facts)], checks };
    },
    options.runId,
    deps.cleanups,
  );
  rec.factsGathered(deps.now() - started, set.size);
  const work = built as HostWork;
  const checks = options.checksAfterApply ? [] : work.checks;

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
  const { plan, outcomes } = guard(() => ({
    plan: planHost(work.resources, set),
    outcomes: judgeChecks(checks, set),
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
  return { plan, work };
}
