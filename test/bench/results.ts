// The figures of one bench run and the targets, judged. Pure: the report and the table
// both render from this, and unit tests build it by hand.
import { ratio, type Summary } from "./stats.js";

/** install-engine's batched probe on one host at a time, over an open connection (probe-cost.ts). */
export interface ProbeCost {
  /** Hosts measured, one after the other. */
  readonly hosts: number;
  /** Facts in the batched probe. */
  readonly facts: number;
  /** Every run on every measured host, pooled: an empty command, the floor's probe, ops's probe. */
  readonly empty: Summary;
  readonly floor: Summary;
  readonly probe: Summary;
}

export interface Results {
  readonly hosts: number;
  /** Of `hosts`, the debian12 (apt) ones: a mixed inventory when above 0. */
  readonly debian12?: number;
  readonly floor?: Summary;
  readonly opsFresh?: Summary;
  readonly opsNoop?: Summary;
  readonly ansibleFresh?: Summary;
  readonly ansibleNoop?: Summary;
  /** Remote commands per host on ops no-op runs (from run-done `commands`): the worst host. */
  readonly noopCommandsMax?: number;
  /** Peak RSS of the ops process over every ops run, bytes. */
  readonly opsPeakRss?: number;
  /** Where an ops no-op run's wall time goes (ms): process start to run-start, connect, probe. */
  readonly breakdown?: { readonly startup: Summary; readonly connect: Summary; readonly facts: Summary };
  /** Steps of the ops fresh runs, slowest first: per-host times of each resource, over all fresh runs. */
  readonly freshSteps?: readonly { readonly name: string; readonly ms: Summary }[];
  /** What the no-op's one round trip costs a host that answers nothing else at the time. */
  readonly probe?: ProbeCost;
}

export type Verdict = "pass" | "miss" | "not measured";

export interface Target {
  readonly name: string;
  readonly goal: string;
  readonly measured: string;
  readonly verdict: Verdict;
}

/** The issue asks for these on 20 hosts. */
export const TARGET_HOSTS = 20;
export const MEMORY_LIMIT_BYTES = 200 * 1e6;
/** Issue 18: a mixed el9 + debian12 no-op stays this close to the floor. */
export const MIXED_FLOOR_LIMIT = 1.1;
/** Issue 8: the probe cost about 650 ms on an idle lab host; the target is half. */
export const PROBE_TARGET_MS = 325;

const verdict = (value: number | undefined, ok: (v: number) => boolean): Verdict =>
  value === undefined ? "not measured" : ok(value) ? "pass" : "miss";
const times = (v: number | undefined): string => (v === undefined ? "—" : `${v.toFixed(1)}×`);

/** Judges every target (issue 5, and issue 8 for the probe) against the results. */
export function judgeTargets(r: Results): Target[] {
  const noopSpeedup = ratio(r.ansibleNoop, r.opsNoop);
  const noopFloor = ratio(r.opsNoop, r.floor);
  const freshSpeedup = ratio(r.ansibleFresh, r.opsFresh);
  return [
    {
      name: "ops no-op vs Ansible no-op",
      goal: "≥ 10× faster",
      measured: noopSpeedup === undefined ? "—" : `${times(noopSpeedup)} faster`,
      verdict: verdict(noopSpeedup, (v) => v >= 10),
    },
    {
      name: "ops no-op vs floor",
      goal: "≤ 1.5× the floor",
      measured: noopFloor === undefined ? "—" : `${noopFloor.toFixed(2)}× the floor`,
      verdict: verdict(noopFloor, (v) => v <= 1.5),
    },
    ...((r.debian12 ?? 0) > 0
      ? [
          {
            name: "mixed el9 + debian12 no-op vs floor",
            goal: `≤ ${MIXED_FLOOR_LIMIT}× the floor`,
            measured: noopFloor === undefined ? "—" : `${noopFloor.toFixed(2)}× the floor`,
            verdict: verdict(noopFloor, (v) => v <= MIXED_FLOOR_LIMIT),
          },
        ]
      : []),
    {
      name: "ops fresh vs Ansible fresh",
      goal: "≥ 2× faster",
      measured: freshSpeedup === undefined ? "—" : `${times(freshSpeedup)} faster`,
      verdict: verdict(freshSpeedup, (v) => v >= 2),
    },
    {
      name: "round trips per host, no-op",
      goal: "1",
      measured: r.noopCommandsMax === undefined ? "—" : `${r.noopCommandsMax} (worst host)`,
      verdict: verdict(r.noopCommandsMax, (v) => v === 1),
    },
    {
      name: "install-engine probe per host",
      goal: `≤ ${formatMs(PROBE_TARGET_MS)} (half of 650 ms)`,
      measured: r.probe === undefined ? "—" : formatMs(r.probe.probe.median),
      verdict: verdict(r.probe?.probe.median, (v) => v <= PROBE_TARGET_MS),
    },
    {
      name: "peak memory of ops",
      goal: "< 200 MB",
      measured: r.opsPeakRss === undefined ? "—" : formatBytes(r.opsPeakRss),
      verdict: verdict(r.opsPeakRss, (v) => v < MEMORY_LIMIT_BYTES),
    },
  ];
}

/** 83_456_000 -> "83.5 MB" (decimal megabytes, as the target is written). */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** 1234.5 -> "1.23 s"; under a second stays in ms so the floor's figures keep their precision. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** "1.23 s (1.10 s – 1.40 s, n=5)" */
export function formatSummary(s: Summary | undefined): string {
  if (s === undefined) return "not measured";
  if (s.n === 1) return `${formatMs(s.median)} (n=1)`;
  return `${formatMs(s.median)} (${formatMs(s.min)} – ${formatMs(s.max)}, n=${s.n})`;
}
