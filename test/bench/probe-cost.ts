import { SAMPLE_HOST_FACTS } from "../../src/packages/host-facts.js";
// The cost of install-engine's batched fact probe on one host, alone: run over one multiplexed SSH
// connection (connecting is paid once and left out) on one host at a time, so the figure is what the
// host spends answering, not what 20 hosts sharing 2 cores spend. Used by the bench (per-host probe
// cost) and by profile-probe.ts (the same, plus each fact alone).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fact } from "../../src/facts/fact.js";
import { buildProbe, makeNonce } from "../../src/facts/gather.js";
import { lock } from "../../src/facts/lock.js";
import { factsOf } from "../../src/plan/plan-host.js";
import { resolveTargets } from "../../src/run/targets.js";
import installEngine from "../../playbooks/install-engine.js";
import { sshArgs } from "../lab/hosts.js";
import type { LabHost, LabInfo } from "../lab/lab.js";
import { FLOOR_PROBE } from "./floor.js";
import { timed, type Timed } from "./proc.js";
import type { ProbeCost } from "./results.js";
import { summarize } from "./stats.js";

/** Runs a script on the host over the open connection. */
export type Ssh = (script: string) => Promise<Timed>;

/** The facts one `ops run install-engine` gathers on `host` (its inventory variables included), plus the lock. */
export async function installEngineFacts(lab: LabInfo, host: string): Promise<Fact<unknown>[]> {
  const { targets } = await resolveTargets({
    inventoryFile: lab.inventoryFile,
    limit: host,
    extraVars: [],
    schema: installEngine.variables,
  });
  const target = targets[0];
  if (target === undefined) throw new Error(`${host} is not in the inventory`);
  const who = {
    name: target.host.name,
    address: target.host.connection.address,
    groups: target.host.groups,
    facts: SAMPLE_HOST_FACTS.el9,
  };
  return factsOf(
    installEngine.resources(target.vars as never, who, { yes: false, runId: "bench", outputs: {} }),
    [lock],
  );
}

/** Opens one master connection to the host, runs fn with it, and closes it (also on failure). */
export async function withConnection<T>(
  lab: LabInfo,
  host: LabHost,
  fn: (ssh: Ssh) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "ops-bench-mux-"));
  const mux = ["-o", "ControlMaster=auto", "-o", `ControlPath=${join(dir, "s")}`, "-o", "ControlPersist=60"];
  const ssh: Ssh = (script) =>
    timed("ssh", [...mux, ...sshArgs("root", host.address, lab.knownHostsFile), script], {
      timeoutMs: 120_000,
    });
  try {
    const first = await ssh("true"); // opens the master connection
    if (first.code !== 0) throw new Error(`ssh to ${host.name} exited ${first.code}: ${first.stderr.trim()}`);
    return await fn(ssh);
  } finally {
    await timed("ssh", [...mux, "-O", "exit", host.address], { timeoutMs: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall times (ms) of `repeats` runs of a script; a run that exits non-zero is an error, never a figure. */
export async function timeScript(ssh: Ssh, script: () => string, repeats: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const r = await ssh(script());
    if (r.code !== 0) throw new Error(`probe exited ${r.code}: ${r.stderr.trim()}`);
    ms.push(r.ms);
  }
  return ms;
}

/**
 * Measures, on each host in turn, an empty command, the floor's probe and install-engine's batched
 * probe (a fresh nonce each run, as ops does), `repeats` times each, interleaved so load drift hits all three.
 */
export async function measureProbeCost(
  lab: LabInfo,
  hosts: readonly LabHost[],
  repeats: number,
): Promise<ProbeCost> {
  const empty: number[] = [];
  const floor: number[] = [];
  const probe: number[] = [];
  let facts = 0;
  for (const host of hosts) {
    const gathered = await installEngineFacts(lab, host.name);
    facts = gathered.length;
    await withConnection(lab, host, async (ssh) => {
      for (let i = 0; i < repeats; i++) {
        empty.push(...(await timeScript(ssh, () => "true", 1)));
        floor.push(...(await timeScript(ssh, () => FLOOR_PROBE, 1)));
        probe.push(...(await timeScript(ssh, () => buildProbe(gathered, makeNonce()), 1)));
      }
    });
  }
  return {
    hosts: hosts.length,
    facts,
    empty: summarize(empty),
    floor: summarize(floor),
    probe: summarize(probe),
  };
}
