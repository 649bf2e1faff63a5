/**
 * Converges one host: connect, gather every fact in one round trip, plan, then (unless --check)
 * take the host lock and apply (apply-plan.ts). Every failure is caught here and turned
 * into an event and a summary, so one host's failure never stops the others.
 */
import type { EventSink, HostSummary, HostStatus } from "../events.js";
import { ConnectError, OpsError, StepFailed } from "../errors.js";
import type { InventoryHost } from "../inventory/types.js";
import { factsOf, planHost } from "../plan/plan-host.js";
import type { Handler, Resource } from "../resources/resource.js";
import type { Transport } from "../transport/transport.js";
import { applyPlan } from "./apply-plan.js";
import { gatherFacts } from "./gather-facts.js";
import { LOCK_PATH, lock } from "../facts/lock.js";
import { LOCK_BUSY_EXIT, acquireLockScript, releaseLockScript } from "./lock.js";
import type { Redactor } from "./redact.js";
import { tail } from "./tail.js";

export interface HostJob {
  host: InventoryHost;
  resources: Resource[];
  handlers: Handler[];
}

export interface RunOptions {
  check: boolean;
  /** Unique per run: the lock names it, and only this run releases its own lock. */
  runId: string;
  startedAt: string;
  /** Who runs, e.g. "alice@laptop", written into the host lock for whoever finds it. */
  owner: string;
}

export interface RunDeps {
  connect(host: InventoryHost): Promise<Transport>;
  emit: EventSink;
  redactor: Redactor;
  now(): number;
  /**
   * Aborted by Ctrl-C. A host not yet started is not started; a host in flight finishes its
   * current step, runs no further one and releases its lock, so no stale lock is left behind.
   */
  signal?: AbortSignal;
}

export async function runHost(job: HostJob, options: RunOptions, deps: RunDeps): Promise<HostSummary> {
  const name = job.host.name;
  const started = deps.now();
  const counts = { ok: 0, changed: 0, failed: 0 };
  let transport: Transport | undefined;
  const done = (status: HostStatus): HostSummary => {
    const summary: HostSummary = {
      host: name,
      status,
      ...counts,
      commands: transport?.commandCount ?? 0,
      ms: deps.now() - started,
    };
    deps.emit({ kind: "host-done", summary });
    return summary;
  };
  const errorInfo = (err: unknown) => {
    const e = err instanceof OpsError ? err : undefined;
    const message = deps.redactor.mask(err instanceof Error ? err.message : String(err));
    return {
      kind: e?.kind ?? "internal",
      message,
      ...(e?.hint ? { hint: deps.redactor.mask(e.hint) } : {}),
    };
  };

  if (deps.signal?.aborted) {
    counts.failed++;
    deps.emit({
      kind: "host-failed",
      host: name,
      error: { kind: "interrupted", message: "not started: the run was interrupted" },
    });
    return done("failed");
  }
  try {
    transport = await deps.connect(job.host);
  } catch (err) {
    deps.emit({ kind: "host-unreachable", host: name, error: errorInfo(err) });
    return done("unreachable");
  }
  deps.emit({ kind: "host-connected", host: name, ms: deps.now() - started });

  let locked = false;
  try {
    const gatherStart = deps.now();
    const facts = await gatherFacts(transport, factsOf(job.resources, [lock]));
    deps.emit({ kind: "facts-gathered", host: name, ms: deps.now() - gatherStart, facts: facts.size });

    const held = facts.set.get(lock);
    if (held.locked) {
      const holder = `run ${held.runId ?? "?"} by ${held.owner ?? "?"} since ${held.started ?? "?"}`;
      deps.emit({
        kind: "host-failed",
        host: name,
        error: {
          kind: "locked",
          message: `another ops run is working on this host (${holder})`,
          hint: `wait for it to finish; if none is running, remove ${LOCK_PATH} on the host`,
        },
      });
      counts.failed++;
      return done("failed");
    }

    const plan = planHost(job.resources, facts.set);
    for (const r of plan.resources) {
      if (r.outcome.kind === "noop") {
        counts.ok++;
        deps.emit({ kind: "noop", host: name, resource: r.id, reason: deps.redactor.mask(r.outcome.reason) });
      } else if (r.outcome.kind === "change") {
        for (const step of r.outcome.steps) {
          deps.emit({
            kind: "step-planned",
            host: name,
            resource: r.id,
            description: deps.redactor.mask(step.description),
            ...(step.diff !== undefined ? { diff: deps.redactor.mask(step.diff) } : {}),
          });
        }
      }
    }
    if (plan.failure) {
      counts.failed++;
      const { resource, message, hint } = plan.failure;
      deps.emit({
        kind: "host-failed",
        host: name,
        resource,
        error: { kind: "precondition", message: deps.redactor.mask(message), ...(hint ? { hint } : {}) },
      });
      return done("failed");
    }
    if (options.check || plan.stepCount === 0) {
      if (options.check) counts.changed = plan.resources.filter((r) => r.outcome.kind === "change").length;
      return done(counts.changed > 0 ? "changed" : "ok");
    }

    const taken = await transport.exec(
      acquireLockScript({ owner: options.owner, runId: options.runId, started: options.startedAt }),
    );
    if (taken.code !== 0) {
      const hint =
        taken.code === LOCK_BUSY_EXIT
          ? "another ops run started on this host after facts were read"
          : undefined;
      throw new StepFailed(name, "take the host lock", taken.code, tail(taken.stderr), hint);
    }
    locked = true;

    counts.changed = await applyPlan(transport, plan, job.handlers, deps);
    return done("changed");
  } catch (err) {
    counts.failed++;
    const resource = err instanceof StepFailed ? err.step : undefined;
    const unreachable = err instanceof ConnectError;
    if (unreachable) deps.emit({ kind: "host-unreachable", host: name, error: errorInfo(err) });
    else
      deps.emit({
        kind: "host-failed",
        host: name,
        ...(resource ? { resource } : {}),
        error: errorInfo(err),
      });
    return done(unreachable ? "unreachable" : "failed");
  } finally {
    if (locked) await transport.exec(releaseLockScript(options.runId)).catch(() => undefined);
    await transport.close().catch(() => undefined);
  }
}
