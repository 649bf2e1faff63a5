/**
 * Runs one playbook over many hosts in parallel (at most `forks` at once) and returns a summary per
 * host in inventory order. Hosts never share failure: each runHost catches its own.
 */
import pLimit from "p-limit";
import type { EventSink, HostSummary } from "../events.js";
import { type HostJob, type RunDeps, type RunOptions, runHost } from "./run-host.js";

export interface RunResult {
  hosts: HostSummary[];
  ms: number;
}

export async function runJobs(
  playbook: string,
  jobs: readonly HostJob[],
  options: RunOptions & { forks: number },
  deps: RunDeps,
): Promise<RunResult> {
  const t0 = deps.now();
  deps.emit({
    kind: "run-start",
    playbook,
    hosts: jobs.map((j) => j.host.name),
    check: options.check,
    at: options.startedAt,
  });
  const limit = pLimit(Math.max(1, options.forks));
  const hosts = await Promise.all(jobs.map((job) => limit(() => runHost(job, options, deps))));
  const ms = deps.now() - t0;
  deps.emit({ kind: "run-done", hosts, ms, check: options.check });
  return { hosts, ms };
}

/** Exit status of a run: 2 when a host failed or was unreachable, 3 when --check found changes to make. */
export function runExitCode(hosts: readonly HostSummary[], check: boolean): number {
  if (hosts.some((h) => h.status === "failed" || h.status === "unreachable")) return 2;
  if (check && hosts.some((h) => h.status === "changed")) return 3;
  return 0;
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
