// Pure parsers of what the measured tools print: ops JSON lines, GNU time's -v report and
// ansible-playbook's PLAY RECAP. Kept apart from the process code so unit tests can feed them text.
import type { HostSummary, OpsEvent } from "../../src/events.js";

/** What the bench needs from one `ops run --output json`: the summary and where the time went. */
export interface OpsRun {
  readonly hosts: readonly HostSummary[];
  /** In-process run time reported by ops (run-start to run-done), ms. */
  readonly runMs: number;
  /** Per host: time to connect (host-connected.ms) and to gather facts (facts-gathered.ms). */
  readonly connectMs: readonly number[];
  readonly factsMs: readonly number[];
  /** Messages of host-failed / host-unreachable events, for a loud failure. */
  readonly errors: readonly string[];
  /** ms of every step and handler that ran, by resource (or handler) name: where a fresh run goes. */
  readonly steps: ReadonlyMap<string, readonly number[]>;
}

/** Parses JSON lines; non-JSON lines (a stray warning) are skipped, a missing run-done is an error. */
export function parseOpsOutput(stdout: string): OpsRun {
  const events: OpsEvent[] = [];
  for (const line of stdout.split("\n")) {
    const t = line.trim();
    if (!t.startsWith("{")) continue;
    try {
      events.push(JSON.parse(t) as OpsEvent);
    } catch {
      // A line that merely starts with "{" is not an event; ops prints only whole JSON lines.
    }
  }
  const done = events.filter((e) => e.kind === "run-done").pop();
  if (done === undefined) throw new Error("ops printed no run-done event");
  const connectMs: number[] = [];
  const factsMs: number[] = [];
  const errors: string[] = [];
  const steps = new Map<string, number[]>();
  const addStep = (name: string, ms: number): void => void steps.set(name, [...(steps.get(name) ?? []), ms]);
  for (const e of events) {
    if (e.kind === "step-ran") addStep(e.resource, e.ms);
    else if (e.kind === "handler-ran") addStep(`handler ${e.handler}`, e.ms);
    else if (e.kind === "host-connected") connectMs.push(e.ms);
    else if (e.kind === "facts-gathered") factsMs.push(e.ms);
    else if (e.kind === "host-failed" || e.kind === "host-unreachable")
      errors.push(`${e.host}: ${e.error.kind}: ${e.error.message}`);
  }
  return { hosts: done.hosts, runMs: done.ms, connectMs, factsMs, errors, steps };
}

/** Hosts whose ops summary is not a success (failed or unreachable). */
export function failedHosts(run: OpsRun): string[] {
  return run.hosts.filter((h) => h.status === "failed" || h.status === "unreachable").map((h) => h.host);
}

/** "Maximum resident set size (kbytes): 81234" from `/usr/bin/time -v` -> bytes, or undefined. */
export function parseMaxRss(timeReport: string): number | undefined {
  const m = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(timeReport);
  return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
}

/**
 * "User time (seconds): 3.10" plus "System time (seconds): 0.52" from `/usr/bin/time -v` -> 3.62, or
 * undefined: the CPU a process used, which tells on a machine of 2 cores whether it is the bottleneck.
 */
export function parseCpuSeconds(timeReport: string): number | undefined {
  const user = /User time \(seconds\):\s*([\d.]+)/.exec(timeReport)?.[1];
  const system = /System time \(seconds\):\s*([\d.]+)/.exec(timeReport)?.[1];
  return user === undefined || system === undefined ? undefined : Number(user) + Number(system);
}

/** One line of ansible-playbook's PLAY RECAP. */
export interface AnsibleRecap {
  readonly host: string;
  readonly ok: number;
  readonly changed: number;
  readonly unreachable: number;
  readonly failed: number;
}

/** Reads every `host : ok=N changed=N unreachable=N failed=N ...` line of the recap. */
export function parseAnsibleRecap(stdout: string): AnsibleRecap[] {
  const at = stdout.lastIndexOf("PLAY RECAP");
  if (at < 0) return [];
  const out: AnsibleRecap[] = [];
  for (const line of stdout.slice(at).split("\n")) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const n = (key: string): number => Number(new RegExp(`\\b${key}=(\\d+)`).exec(m[2] ?? "")?.[1] ?? NaN);
    const recap = {
      host: m[1],
      ok: n("ok"),
      changed: n("changed"),
      unreachable: n("unreachable"),
      failed: n("failed"),
    };
    if (Object.values(recap).some((v) => typeof v === "number" && Number.isNaN(v))) continue;
    out.push(recap);
  }
  return out;
}
