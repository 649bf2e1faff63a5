/**
 * One whole run, the same for `ops run`, `ops verify` and `ops check`: the playbooks' `before`
 * run-wide steps, then every host's pipeline (the stages the command asks for), then the `after`
 * steps. Every event goes through one sink that masks secrets first, so nothing downstream can
 * leak one. Exit codes are the CLI's to decide from the result.
 */
import type { CheckOutcome } from "../checks/check.js";
import type { EventSink, HostResult, RunCommand } from "../events.js";
import type { InventoryHost } from "../inventory/types.js";
import type { RunContext } from "../playbook.js";
import type { Transport } from "../transport/transport.js";
import { buildWork, validateWork, type Stages } from "./work.js";
import type { HostCleanups } from "./host-cleanups.js";
import type { HostJob } from "./host-pipeline.js";
import type { LoadedPlaybook, PreparedRun } from "./prepare.js";
import { Redactor } from "./redact.js";
import { runHosts, safeSink, type RunResult } from "./run.js";
import { runSteps } from "./run-steps.js";

export interface ExecuteRequest {
  command: RunCommand;
  /** Each planned resource is also a `drift.<id>` check (compliance). */
  drift?: boolean;
  /** `ops run --verify`: the checks are judged after applying, in one more round trip. */
  checksAfterApply?: boolean;
  playbooks: readonly LoadedPlaybook[];
  prepared: PreparedRun;
  stages: Stages;
  /** Apply the plan; false for `--check`, verify and compliance. */
  apply: boolean;
  /** `--yes`. */
  yes: boolean;
  forks: number;
  runId: string;
  startedAt: string;
  owner: string;
}

export interface ExecuteDeps {
  connect(host: InventoryHost): Promise<Transport>;
  /** The reporter; it receives events with secrets already masked. */
  sink: EventSink;
  now(): number;
  signal: AbortSignal;
  cleanups: HostCleanups;
  guard?<T>(work: () => T): T;
  /** Sees each check outcome before it is recorded (compliance marks waived failures here). */
  judged?(host: string, outcome: CheckOutcome): CheckOutcome;
  /** Masks secrets by their shape in every event, error and result, after the known secret values. */
  maskText?(text: string): string;
}

/**
 * @example const result = await executeRun({ command: "run", playbooks, prepared, stages: { resources: true, checks: false }, apply: true, ... }, deps);
 * @throws ConfigError when a playbook's code fails or notifies an unknown handler (before any host is touched);
 *   RunStepFailed when a run-wide step fails
 */
export async function executeRun(req: ExecuteRequest, deps: ExecuteDeps): Promise<RunResult> {
  const redactor = new Redactor(req.prepared.secrets, deps.maskText);
  const sink = safeSink(deps.sink);
  const emit: EventSink = (event) => sink(redactor.maskDeep(event));
  const outputs = new Map<string, Record<string, unknown>>();
  const stepInput = {
    playbooks: req.playbooks,
    targets: req.prepared.targets,
    everyHost: req.prepared.everyHost,
    inventoryDir: req.prepared.inventoryDir,
    check: !req.apply,
    command: req.command,
    runId: req.runId,
    outputs,
  };
  const stepDeps = { connect: deps.connect, emit, now: deps.now, redactor, signal: deps.signal };
  try {
    return await runAll();
  } catch (err) {
    // An error leaving the engine (a playbook's, a step's) is printed as it is: mask it first.
    throw redactor.maskError(err);
  }

  async function runAll(): Promise<RunResult> {
    let results: readonly HostResult[] = [];
    let failed = true;
    try {
      const result = await runMain((hosts) => (results = hosts));
      failed = false;
      return result;
    } finally {
      // Cleanups of what `before` steps made: after a failure or a signal too. Their own failure is
      // the run's error only when nothing failed before it (else the first error is kept).
      await runSteps({ ...stepInput, when: "after", always: true, results }, stepDeps).catch(
        (err: unknown) => {
          if (!failed) throw err;
        },
      );
    }
  }

  async function runMain(record: (hosts: readonly HostResult[]) => void): Promise<RunResult> {
    await runSteps({ ...stepInput, when: "before", results: [] }, stepDeps);

    const runOf = (playbook: string): RunContext => ({
      yes: req.yes,
      runId: req.runId,
      outputs: outputs.get(playbook) ?? {},
    });
    // The guard (Node's vm breakOnSigint) takes every SIGINT listener off `process` while it runs, so
    // a Ctrl-C landing just before or after the guarded call kills ops with nothing cleaned up. It is
    // there to stop a user's playbook spinning in a loop; built-in playbooks run without it.
    const userCode = req.playbooks.some((p) => p.file !== undefined);
    const userGuard = userCode ? deps.guard : undefined;
    const guard = userGuard ?? (<T>(work: () => T): T => work());
    // Built once for every host before any connects, so a playbook's own error is a configuration
    // error with nothing run; then built again per host when its turn comes (memory bounded by forks).
    guard(() => validateWork(req.playbooks, req.prepared.targets, req.stages, runOf));
    const jobs: HostJob[] = req.prepared.targets.map((target) => ({
      host: target.host,
      work: (facts) => buildWork(req.playbooks, target, req.stages, runOf, facts),
    }));
    const result = await runHosts(
      jobs,
      {
        command: req.command,
        playbook: req.playbooks.map((p) => p.playbook.name).join(","),
        forks: req.forks,
        apply: req.apply,
        runId: req.runId,
        startedAt: req.startedAt,
        owner: req.owner,
        ...(req.drift ? { drift: true } : {}),
        ...(req.checksAfterApply ? { checksAfterApply: true } : {}),
      },
      {
        connect: deps.connect,
        emit,
        now: deps.now,
        cleanups: deps.cleanups,
        signal: deps.signal,
        ...(userGuard ? { guard: userGuard } : {}),
        ...(deps.judged ? { judged: deps.judged } : {}),
      },
    );
    // After steps store and report (compliance history): they get the results as the events had them.
    const masked = redactor.maskDeep(result.hosts);
    record(masked);
    if (!result.interrupted) await runSteps({ ...stepInput, when: "after", results: masked }, stepDeps);
    return result;
  }
}
