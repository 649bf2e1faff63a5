import { SAMPLE_HOST_FACTS } from "../../src/packages/host-facts.js";
// `npm run bench -- --simulate N[,N...]`: the control side of a no-op install-engine run at scale,
// with the fake transport answering each host's one probe from a recorded converged lab host. What it
// measures is ops alone (inventory, validation, work, probe build and parse, plan, events, reporter):
// CPU time per host and peak memory, per size, so growth shows before it hurts. Each size runs in a
// fresh child process, so each peak is its own.
//   npm run bench -- --simulate 100,1000          # converged hosts (a no-op run)
//   npm run bench -- --simulate 1000 --unreachable # hosts that refuse the connection
//   flock /tmp/ops-lab.lock npx tsx test/bench/simulate.ts --record el9-1   # re-record the answers
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, openSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPlaybook } from "../../src/cli/load-playbook.js";
import { ConnectError } from "../../src/errors.js";
import { buildProbe, makeNonce } from "../../src/facts/gather.js";
import { factsOf } from "../../src/plan/plan-host.js";
import { lock } from "../../src/facts/lock.js";
import { jsonReporter } from "../../src/report/json.js";
import { executeRun } from "../../src/run/execute.js";
import { HostCleanups } from "../../src/run/host-cleanups.js";
import { playbookHost, prepareRun } from "../../src/run/prepare.js";
import { FakeTransport } from "../../src/transport/fake.js";
import { answerProbe, readBatch, type RawFacts } from "../helpers/fake-host.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const RECORDED = join(HERE, "fixtures", "el9-converged.json");

export interface SimulationResult {
  hosts: number;
  unreachable: boolean;
  wallMs: number;
  cpuMs: number;
  cpuPerHostMs: number;
  peakRssMb: number;
  ok: number;
}

/** An inventory of `n` hosts with the lab's variables, as a file (the loader is part of what is measured). */
function inventory(n: number): string {
  const lines = [
    "all:",
    "  vars:",
    "    docker_repo_url: http://172.28.213.2/linux/centos",
    "    docker_repo_gpg_fingerprint: F857C3D7D53607C148184E43372ECF4EF0781BB5",
    "    registry_mirrors: [http://172.28.213.4:5000]",
    "  hosts:",
  ];
  for (let i = 0; i < n; i++)
    lines.push(`    h${i}:`, `      ansible_host: 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  const file = join(mkdtempSync(join(tmpdir(), "ops-sim-")), "hosts.yaml");
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

/** One size, in this process: returns what it measured. A unit test runs it small, so a fixture gone stale (a new fact the recording lacks) fails there, not only in the bench. */
export async function simulate(n: number, unreachable: boolean): Promise<SimulationResult> {
  const raw = JSON.parse(readFileSync(RECORDED, "utf8")) as RawFacts;
  const file = inventory(n);
  const devnull = openSync("/dev/null", "w");
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const loaded = await loadPlaybook("install-engine");
  const prepared = await prepareRun({ playbooks: [loaded], inventoryFile: file });
  const result = await executeRun(
    {
      command: "run",
      playbooks: [loaded],
      prepared,
      stages: { resources: true, checks: false },
      apply: true,
      yes: false,
      forks: 50,
      runId: "sim",
      startedAt: new Date().toISOString(),
      owner: "bench@sim",
    },
    {
      connect: async (host) => {
        if (unreachable)
          throw new ConnectError(host.name, `connection refused by ${host.connection.address}:22`);
        return new FakeTransport(
          host.name,
          (script) => answerProbe(script, raw) ?? { code: 0, stdout: "", stderr: "" },
        );
      },
      sink: jsonReporter((text) => void writeSync(devnull, text)),
      now: () => Date.now(),
      signal: new AbortController().signal,
      cleanups: new HostCleanups(),
    },
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  return {
    hosts: n,
    unreachable,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    cpuPerHostMs: Number((cpuMs / n).toFixed(3)),
    peakRssMb: Math.round(Number(hwm ?? 0) / 1024),
    ok: result.hosts.filter((h) => h.status === "ok").length,
  };
}

/**
 * Runs each size in a fresh child process and returns the results.
 *
 * @example await runSimulations([100, 1000], false)
 */
export async function runSimulations(
  sizes: readonly number[],
  unreachable: boolean,
): Promise<SimulationResult[]> {
  const results: SimulationResult[] = [];
  for (const n of sizes) {
    const args = [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      "--child",
      String(n),
      ...(unreachable ? ["--unreachable"] : []),
    ];
    const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 24 });
    const line = out.trim().split("\n").pop() ?? "";
    const r = JSON.parse(line) as SimulationResult;
    process.stderr.write(`[bench] simulate ${n}${unreachable ? " unreachable" : ""}: ${JSON.stringify(r)}\n`);
    if (!unreachable && r.ok !== n) throw new Error(`simulate ${n}: only ${r.ok} hosts were a no-op`);
    results.push(r);
  }
  return results;
}

/**
 * A markdown table of simulation results. The marginal CPU per host (between one size and the one
 * before it) leaves out the fixed cost of starting (loading and compiling the playbook), so growth
 * shows: a linear run has the same marginal cost at every size.
 */
export function simulationTable(results: readonly SimulationResult[]): string {
  const rows = results.map((r, i) => {
    const prev = results[i - 1];
    const marginal =
      prev && r.hosts > prev.hosts ? ((r.cpuMs - prev.cpuMs) / (r.hosts - prev.hosts)).toFixed(3) : "";
    return `| ${r.hosts}${r.unreachable ? " (unreachable)" : ""} | ${r.wallMs} | ${r.cpuMs} | ${r.cpuPerHostMs} | ${marginal} | ${r.peakRssMb} |`;
  });
  return [
    "| hosts | wall ms | CPU ms | CPU ms per host | marginal CPU ms per host | peak RSS MB |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

/** Records what a converged lab host answers to install-engine's probe, section by fact name. */
async function record(hostName: string): Promise<void> {
  const { readLab } = await import("../lab/lab.js");
  const lab = readLab();
  const loaded = await loadPlaybook("install-engine");
  const prepared = await prepareRun({
    playbooks: [loaded],
    inventoryFile: lab.inventoryFile,
    limit: hostName,
  });
  const target = prepared.targets[0];
  if (!target) throw new Error(`no host ${hostName}`);
  const host = { ...playbookHost(target.host), facts: SAMPLE_HOST_FACTS.el9 };
  const resources = loaded.playbook.resources(target.vars, host, {
    yes: false,
    runId: "rec",
    outputs: {},
  });
  const nonce = makeNonce();
  const script = buildProbe(factsOf(resources, [lock]), nonce);
  const key = lab.privateKeyFile;
  const out = execFileSync(
    "ssh",
    [
      "-i",
      key,
      "-o",
      `UserKnownHostsFile=${lab.knownHostsFile}`,
      "-o",
      "StrictHostKeyChecking=yes",
      `root@${target.host.connection.address}`,
      "sh -s",
    ],
    { input: script, encoding: "utf8" },
  );
  const names = readBatch(script)?.sections.map((s) => s.name) ?? [];
  const raw: RawFacts = {};
  names.forEach((name, i) => {
    const start = out.indexOf(`@@ops-${nonce}-begin-${i}@@\n`);
    const end = out.indexOf(`\n@@ops-${nonce}-end-${i}@@`);
    raw[name] = out.slice(start + `@@ops-${nonce}-begin-${i}@@\n`.length, end);
  });
  writeFileSync(RECORDED, JSON.stringify(raw, null, 2) + "\n");
  process.stderr.write(`[bench] recorded ${names.length} facts of ${hostName} in ${RECORDED}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  if (args.includes("--record")) await record(at("--record") ?? "el9-1");
  else if (args.includes("--child")) {
    const r = await simulate(Number(at("--child")), args.includes("--unreachable"));
    process.stdout.write(JSON.stringify(r) + "\n");
  }
}
