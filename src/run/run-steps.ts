/**
 * Runs playbooks' run-wide steps: control-side work once per run, before the hosts (a CA, a shared
 * bundle, a value read from one host) or after them. A step reaches a host only through the run's
 * transport (`exec`: one connection, one round trip, closed after).
 */
import { ConfigError, OpsError, RunStepFailed } from "../errors.js";
import type { EventSink, HostResult, RunCommand } from "../events.js";
import type { InventoryHost } from "../inventory/types.js";
import type { RunStepContext, StepTarget } from "../playbook.js";
import type { ExecOptions, ExecResult, Transport } from "../transport/transport.js";
import { playbookHost, type LoadedPlaybook } from "./prepare.js";
import type { Redactor } from "./redact.js";
import type { Target } from "./targets.js";

export interface RunStepsDeps {
  connect(host: InventoryHost): Promise<Transport>;
  emit: EventSink;
  now(): number;
  redactor: Redactor;
  signal: AbortSignal;
}

export interface RunStepsInput {
  when: "before" | "after";
  /** With `after`: only the `always` steps (cleanups), also when the run was interrupted; else none of them. */
  always?: boolean;
  command?: RunCommand;
  runId?: string;
  playbooks: readonly LoadedPlaybook[];
  targets: readonly Target[];
  /** Every host of the inventory, before --limit. */
  everyHost?: readonly InventoryHost[];
  inventoryDir: string;
  /** The run changes nothing: only steps marked readOnly run. */
  check: boolean;
  results: readonly HostResult[];
  /** Outputs so far, by playbook name then step name. */
  outputs: Map<string, Record<string, unknown>>;
}

/**
 * Runs the steps of `when` in playbook order and records each one's output in `input.outputs`.
 *
 * @throws RunStepFailed naming the step when one fails (after emitting a failed run-step event)
 */
export async function runSteps(input: RunStepsInput, deps: RunStepsDeps): Promise<void> {
  for (const { playbook } of input.playbooks) {
    const steps = (playbook.runSteps ?? []).filter(
      (s) =>
        s.when === input.when &&
        (!input.check || s.readOnly) &&
        (s.always === true) === (input.always === true),
    );
    const outputs = input.outputs.get(playbook.name) ?? (Object.create(null) as Record<string, unknown>);
    input.outputs.set(playbook.name, outputs);
    for (const step of steps) {
      // Cleanups run after a signal too: they remove what the run made.
      if (deps.signal.aborted && input.always !== true) return;
      const t0 = deps.now();
      const ctx: RunStepContext<Record<string, unknown>> = {
        targets: input.targets.map((t): StepTarget<Record<string, unknown>> => ({
          host: playbookHost(t.host),
          vars: t.vars,
        })),
        inventoryHosts: (input.everyHost ?? input.targets.map((t) => t.host)).map(playbookHost),
        inventoryDir: input.inventoryDir,
        check: input.check,
        ...(input.command !== undefined ? { command: input.command } : {}),
        ...(input.runId !== undefined ? { runId: input.runId } : {}),
        outputs: { ...outputs },
        exec: (host, script, options) => execOn(input.targets, host, script, options, deps),
        secret: (value) => deps.redactor.add(value),
        results: input.results,
        signal: deps.signal,
      };
      const name = `${playbook.name}:${step.name}`;
      const report = (status: "ok" | "failed", message?: string) =>
        deps.emit({
          kind: "run-step",
          name,
          when: input.when,
          status,
          ms: deps.now() - t0,
          ...(message !== undefined ? { message } : {}),
        });
      try {
        outputs[step.name] = await step.run(ctx);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        report("failed", message);
        // A step that found a configuration problem (a half CA beside the inventory) says so itself.
        if (err instanceof ConfigError) throw err;
        const hint = err instanceof OpsError ? err.hint : undefined;
        throw new RunStepFailed(step.name, input.when, `${name} failed: ${message}`, hint);
      }
      report("ok");
    }
  }
}

async function execOn(
  targets: readonly Target[],
  name: string,
  script: string,
  options: ExecOptions | undefined,
  deps: RunStepsDeps,
): Promise<ExecResult> {
  const target = targets.find((t) => t.host.name === name);
  if (!target) throw new Error(`no host named ${name} in this run`);
  const transport = await deps.connect(target.host);
  try {
    return await transport.exec(script, options);
  } finally {
    await transport.close().catch(() => undefined);
  }
}
