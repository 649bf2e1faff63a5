/**
 * The one runner: every host's pipeline in parallel (at most `forks` at once), results in inventory
 * order. Hosts never share failure: each pipeline catches its own. After an interrupt no host starts:
 * the ones still queued are reported `not-started` without a connection.
 */
import pLimit from "p-limit";
import type { EventSink, HostResult, RunCommand } from "../events.js";
import { runHostPipeline, type HostJob, type PipelineDeps, type PipelineOptions } from "./host-pipeline.js";

export interface RunResult {
  hosts: HostResult[];
  ms: number;
  /** The run was stopped by a signal. */
  interrupted: boolean;
}

export interface RunHostsOptions extends PipelineOptions {
  command: RunCommand;
  /** The playbooks of the run, for the run-start event. */
  playbook: string;
  forks: number;
}

/**
 * @example const result = await runHosts(jobs, { command: "run", playbook: "install-engine", apply: true, forks: 50, ... }, deps);
 */
export async function runHosts(
  jobs: readonly HostJob[],
  options: RunHostsOptions,
  deps: PipelineDeps,
): Promise<RunResult> {
  const t0 = deps.now();
  deps.emit({
    kind: "run-start",
    command: options.command,
    playbook: options.playbook,
    hosts: jobs.map((j) => j.host.name),
    check: !options.apply,
    at: options.startedAt,
  });
  const limit = pLimit(Math.max(1, options.forks));
  // A queued host whose turn comes after an interrupt sees the aborted signal first thing and is
  // reported not started, without connecting: no new work starts once the signal came.
  const hosts = await Promise.all(jobs.map((job) => limit(() => runHostPipeline(job, options, deps))));
  const ms = deps.now() - t0;
  const interrupted = deps.signal?.aborted ?? false;
  deps.emit({ kind: "run-done", command: options.command, hosts, ms, check: !options.apply, interrupted });
  return { hosts, ms, interrupted };
}

/** Keeps the sink from breaking a run: a reporter that throws is a bug, not a host failure. */
export function safeSink(sink: EventSink): EventSink {
  return (event) => {
    try {
      sink(event);
    } catch {
      // A reporter must never take a run down with it.
    }
  };
}
