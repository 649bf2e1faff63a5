/**
 * Builds one host's result while its pipeline runs and emits the matching event for each thing
 * recorded, so the result a report reads and the events a live display reads never disagree.
 */
import type { CheckOutcome } from "../checks/check.js";
import { OpsError } from "../errors.js";
import type { ErrorInfo, EventSink, HostResult, HostStatus } from "../events.js";
import type { HostPlan } from "../plan/plan-host.js";
import type { Handler } from "../resources/resource.js";
import type { Transport } from "../transport/transport.js";

export class HostRecorder {
  readonly #started: number;
  readonly #result: HostResult;
  #transport: Transport | undefined;

  constructor(
    readonly host: string,
    private readonly emit: EventSink,
    private readonly now: () => number,
  ) {
    this.#started = now();
    this.#result = {
      host,
      status: "ok",
      ok: 0,
      changed: 0,
      failed: 0,
      commands: 0,
      ms: 0,
      plan: [],
      applied: [],
      handlers: [],
      checks: [],
    };
  }

  /** Resources changed so far (or, when only planning, that would change). */
  get changedCount(): number {
    return this.#result.changed;
  }

  connected(transport: Transport): void {
    this.#transport = transport;
    this.emit({ kind: "host-connected", host: this.host, ms: this.now() - this.#started });
  }

  factsGathered(ms: number, facts: number): void {
    this.emit({ kind: "facts-gathered", host: this.host, ms, facts });
  }

  /** Records the plan: a no-op or planned steps per resource. `planOnly` counts changes as "would change". */
  planned(plan: HostPlan, planOnly: boolean): void {
    for (const r of plan.resources) {
      if (r.outcome.kind === "noop") {
        this.#result.ok++;
        this.#result.plan.push({ resource: r.id, outcome: "noop", reason: r.outcome.reason });
        const show = r.outcome.show === true ? { show: true } : {};
        this.emit({ kind: "noop", host: this.host, resource: r.id, reason: r.outcome.reason, ...show });
      } else if (r.outcome.kind === "change") {
        const steps = r.outcome.steps.map((s) => ({
          description: s.description,
          ...(s.diff !== undefined ? { diff: s.diff } : {}),
        }));
        this.#result.plan.push({ resource: r.id, outcome: "change", steps });
        if (planOnly) this.#result.changed++;
        for (const step of steps)
          this.emit({ kind: "step-planned", host: this.host, resource: r.id, ...step });
      }
    }
    if (plan.failure) {
      const { resource, message, hint } = plan.failure;
      this.#result.plan.push({ resource, outcome: "fail", message, ...(hint ? { hint } : {}) });
    }
  }

  checked(outcome: CheckOutcome): void {
    this.#result.checks.push(outcome);
    this.emit({ kind: "check-result", host: this.host, check: outcome });
  }

  stepRan(resource: string, description: string, ms: number, output?: string, bytes?: number): void {
    const shown = {
      ...(output !== undefined && output !== "" ? { output } : {}),
      ...(bytes !== undefined ? { bytes } : {}),
    };
    this.#result.applied.push({ resource, description, ms, ...shown });
    this.emit({ kind: "step-ran", host: this.host, resource, description, ms, ...shown });
  }

  /** A streaming step's bytes so far (the caller throttles). */
  stepProgress(resource: string, description: string, bytes: number): void {
    this.emit({ kind: "step-progress", host: this.host, resource, description, bytes });
  }

  /** One more resource changed on the host. */
  resourceChanged(): void {
    this.#result.changed++;
  }

  handlerRan(handler: Handler, ms: number): void {
    const description = handler.step.description;
    this.#result.applied.push({ resource: `handler:${handler.name}`, description, ms });
    this.#result.handlers.push(handler.name);
    this.emit({ kind: "handler-ran", host: this.host, handler: handler.name, description, ms });
  }

  /** Under --check: a handler the planned steps notify. */
  handlerPlanned(handler: Handler): void {
    this.#result.handlers.push(handler.name);
    const description = handler.step.description;
    this.emit({ kind: "handler-planned", host: this.host, handler: handler.name, description });
  }

  /** Records why the host failed and emits host-failed; the caller ends with `done("failed")`. */
  failure(error: ErrorInfo, resource?: string): void {
    this.#result.failed = 1;
    this.#result.error = { ...error, ...(resource ? { resource } : {}) };
    this.emit({ kind: "host-failed", host: this.host, ...(resource ? { resource } : {}), error });
  }

  /** The host failed with `err` (a step, a fact, a bug). */
  failed(err: unknown): HostResult {
    const resource = err instanceof OpsError && "step" in err ? String(err.step) : undefined;
    this.failure(errorInfo(err), resource);
    return this.done("failed");
  }

  /** The host could not be reached, authenticated or trusted. */
  unreachable(err: unknown): HostResult {
    const error = errorInfo(err);
    this.#result.failed = 1;
    this.#result.error = error;
    this.emit({ kind: "host-unreachable", host: this.host, error });
    return this.done("unreachable");
  }

  done(status: HostStatus): HostResult {
    this.#result.status = status;
    this.#result.commands = this.#transport?.commandCount ?? 0;
    this.#result.ms = this.now() - this.#started;
    const result = { ...this.#result };
    this.emit({ kind: "host-done", summary: result });
    return result;
  }
}

/** What an event says about an error: its kind, message and hint (secrets are masked by the sink). */
export function errorInfo(err: unknown): ErrorInfo {
  const e = err instanceof OpsError ? err : undefined;
  return {
    kind: e?.kind ?? "internal",
    message: err instanceof Error ? err.message : String(err),
    ...(e?.hint ? { hint: e.hint } : {}),
  };
}
