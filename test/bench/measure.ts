// The measurement sequence. Order matters: no-op runs follow the tool's own fresh install (so each
// tool's no-op meets the state it left), and the floor is interleaved with ops no-op runs on the same
// installed hosts so drift in the machine's load hits both alike.
import type { LabInfo } from "../lab/lab.js";
import { freshHosts } from "./fresh.js";
import { runFloor } from "./floor.js";
import { measureProbeCost } from "./probe-cost.js";
import type { Results } from "./results.js";
import { runAnsible, runOps, type OpsMeasure } from "./runners.js";
import { summarize, type Summary } from "./stats.js";
import { formatMs } from "./results.js";

export interface Plan {
  readonly hosts: number;
  /** Of `hosts`, how many are debian12 (apt) hosts; the rest are el9. */
  readonly debian12: number;
  readonly runs: number;
  readonly freshRuns: number;
  readonly ops: boolean;
  readonly ansible: boolean;
  readonly fresh: boolean;
}

const log = (msg: string): void => void process.stderr.write(`[bench] ${msg}\n`);

/** Runs `fn` once and logs its wall time. */
async function once<T extends { ms: number }>(label: string, fn: () => Promise<T>): Promise<T> {
  const r = await fn();
  log(`${label}: ${formatMs(r.ms)}`);
  return r;
}

/** Runs `fn` n times, logging each wall time; returns the samples. */
async function repeat<T extends { ms: number }>(
  label: string,
  n: number,
  fn: () => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 1; i <= n; i++) out.push(await once(`${label} ${i}/${n}`, fn));
  return out;
}

/** A no-op that changed something measures the wrong thing: stop loudly. */
function assertOpsNoop(run: OpsMeasure): void {
  const changed = run.hosts
    .filter((h) => h.changed > 0 || h.status !== "ok")
    .map((h) => `${h.host} (${h.status}, changed ${h.changed})`);
  if (changed.length > 0) throw new Error(`ops no-op run changed hosts: ${changed.join(", ")}`);
}

const maybe = (xs: readonly number[]): Summary | undefined => (xs.length === 0 ? undefined : summarize(xs));
const msOf = (xs: readonly { ms: number }[]): Summary | undefined => maybe(xs.map((x) => x.ms));

async function measureOps(
  lab: LabInfo,
  plan: Plan,
): Promise<{ fresh: OpsMeasure[]; noop: OpsMeasure[]; floor: { ms: number }[] }> {
  const fresh: OpsMeasure[] = [];
  if (plan.fresh) {
    for (let i = 1; i <= plan.freshRuns; i++) {
      log(`recreating ${lab.hosts.length} host(s) for ops fresh run ${i}`);
      await freshHosts(lab);
      fresh.push(await once(`ops fresh ${i}/${plan.freshRuns}`, () => runOps(lab, plan.hosts)));
    }
  }
  const noop: OpsMeasure[] = [];
  const floor: { ms: number }[] = [];
  for (let i = 1; i <= plan.runs; i++) {
    floor.push(await once(`floor ${i}/${plan.runs}`, () => runFloor(lab)));
    const run = await once(`ops no-op ${i}/${plan.runs}`, () => runOps(lab, plan.hosts));
    assertOpsNoop(run);
    noop.push(run);
  }
  return { fresh, noop, floor };
}

async function measureAnsible(
  lab: LabInfo,
  plan: Plan,
): Promise<{ fresh: { ms: number }[]; noop: { ms: number }[] }> {
  const fresh: { ms: number }[] = [];
  if (plan.fresh) {
    for (let i = 1; i <= plan.freshRuns; i++) {
      log(`recreating ${lab.hosts.length} host(s) for Ansible fresh run ${i}`);
      await freshHosts(lab);
      fresh.push(await once(`Ansible fresh ${i}/${plan.freshRuns}`, () => runAnsible(lab, plan.hosts)));
    }
  }
  const noop = await repeat("Ansible no-op", plan.runs, async () => {
    const r = await runAnsible(lab, plan.hosts);
    const changed = r.recap.filter((h) => h.changed > 0).map((h) => `${h.host} (changed ${h.changed})`);
    if (changed.length > 0) throw new Error(`Ansible no-op run changed hosts: ${changed.join(", ")}`);
    return r;
  });
  return { fresh, noop };
}

/** Process start (wall minus in-process run), connect and probe of the no-op runs, when ops reported them. */
function breakdown(noop: readonly OpsMeasure[]): Results["breakdown"] {
  const startup = maybe(noop.map((r) => r.ms - r.runMs));
  const connect = maybe(noop.flatMap((r) => r.connectMs));
  const facts = maybe(noop.flatMap((r) => r.factsMs));
  return startup && connect && facts ? { startup, connect, facts } : undefined;
}

/** Every step's per-host times pooled over the fresh runs, slowest median first. */
function freshSteps(fresh: readonly OpsMeasure[]): Results["freshSteps"] {
  const pooled = new Map<string, number[]>();
  for (const run of fresh)
    for (const [name, ms] of run.steps) pooled.set(name, [...(pooled.get(name) ?? []), ...ms]);
  return [...pooled]
    .map(([name, ms]) => ({ name, ms: summarize(ms) }))
    .sort((a, b) => b.ms.median - a.ms.median);
}

/** Hosts whose probe is timed alone (one after the other), and the fewest runs on each. */
const PROBE_HOSTS = 3;
const PROBE_MIN_RUNS = 3;

/** The probe's cost per host, on hosts ops just installed (so it is the no-op's probe). */
async function measureProbe(lab: LabInfo, plan: Plan): Promise<Results["probe"]> {
  const hosts = lab.hosts.slice(0, PROBE_HOSTS);
  const runs = Math.max(PROBE_MIN_RUNS, plan.runs);
  log(`probe cost: ${runs} runs on each of ${hosts.map((h) => h.name).join(", ")}, one host at a time`);
  const cost = await measureProbeCost(lab, hosts, runs);
  log(`probe cost per host: ${formatMs(cost.probe.median)} (empty command ${formatMs(cost.empty.median)})`);
  return cost;
}

/** Everything the plan asks for; the floor always runs (on whatever state the hosts are in). */
export async function measureAll(lab: LabInfo, plan: Plan): Promise<Results> {
  let results: Results = {
    hosts: lab.hosts.length,
    debian12: lab.hosts.filter((h) => h.kind === "debian12").length,
  };
  if (plan.ops) {
    const ops = await measureOps(lab, plan);
    const all = [...ops.fresh, ...ops.noop];
    const rss = all.map((r) => r.maxRss).filter((v): v is number => v !== undefined);
    results = {
      ...results,
      floor: msOf(ops.floor),
      opsFresh: msOf(ops.fresh),
      opsNoop: msOf(ops.noop),
      noopCommandsMax: Math.max(...ops.noop.flatMap((r) => r.hosts.map((h) => h.commands))),
      ...(rss.length > 0 ? { opsPeakRss: Math.max(...rss) } : {}),
      breakdown: breakdown(ops.noop),
      freshSteps: freshSteps(ops.fresh),
      probe: await measureProbe(lab, plan),
    };
  } else {
    results = { ...results, floor: msOf(await repeat("floor", plan.runs, () => runFloor(lab))) };
  }
  if (plan.ansible) {
    const a = await measureAnsible(lab, plan);
    results = { ...results, ansibleFresh: msOf(a.fresh), ansibleNoop: msOf(a.noop) };
  }
  return results;
}
