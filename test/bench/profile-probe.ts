// Where a no-op's one round trip goes: times each fact probe of install-engine on one lab host, over
// one multiplexed SSH connection (so connecting is paid once and left out), plus the whole batched
// probe, the floor's probe and an empty command for reference. A profiling aid for docs/BENCHMARKS.md:
//   flock /tmp/ops-lab.lock npx tsx test/bench/profile-probe.ts [host-name] [repeats]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProbe, makeNonce } from "../../src/facts/gather.js";
import { lock } from "../../src/facts/lock.js";
import { factsOf } from "../../src/plan/plan-host.js";
import { resolveTargets } from "../../src/run/targets.js";
import installEngine from "../../playbooks/install-engine.js";
import { sshArgs } from "../lab/hosts.js";
import { readLab } from "../lab/lab.js";
import { FLOOR_PROBE } from "./floor.js";
import { timed } from "./proc.js";
import { summarize } from "./stats.js";
import { formatMs } from "./results.js";
import { renderText } from "./table.js";

const [name, repeatsArg] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 5);
const lab = readLab();
const host = lab.hosts.find((h) => h.name === (name ?? lab.hosts[0]?.name));
if (host === undefined) throw new Error(`no lab host ${name ?? ""}`);

const { targets } = await resolveTargets({
  inventoryFile: lab.inventoryFile,
  limit: host.name,
  extraVars: [],
  schema: installEngine.variables,
});
const target = targets[0];
if (target === undefined) throw new Error(`${host.name} is not in the inventory`);
const host0 = { name: target.host.name, address: target.host.connection.address, groups: target.host.groups };
const resources = installEngine.resources(target.vars as never, host0, {
  yes: false,
  runId: "bench",
  outputs: {},
});
const facts = factsOf(resources, [lock]);

const dir = mkdtempSync(join(tmpdir(), "ops-bench-mux-"));
const mux = ["-o", "ControlMaster=auto", "-o", `ControlPath=${join(dir, "s")}`, "-o", "ControlPersist=60"];
const ssh = (script: string) =>
  timed("ssh", [...mux, ...sshArgs("root", host.address, lab.knownHostsFile), script]);

async function measure(script: string): Promise<string> {
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const r = await ssh(script);
    if (r.code !== 0) throw new Error(`probe exited ${r.code}: ${r.stderr}`);
    ms.push(r.ms);
  }
  const s = summarize(ms);
  return `${formatMs(s.median)} (${formatMs(s.min)} – ${formatMs(s.max)})`;
}

try {
  await ssh("true"); // opens the master connection
  const rows: string[][] = [["(empty command over the open connection)", await measure("true")]];
  rows.push(["floor probe (test/bench/floor.ts)", await measure(FLOOR_PROBE)]);
  rows.push([`ops batched probe (${facts.length} facts)`, await measure(buildProbe(facts, makeNonce()))]);
  for (const f of facts)
    rows.push([`  fact ${f.name.slice(0, 60)}`, await measure(buildProbe([f], makeNonce()))]);
  process.stdout.write(`${host.name}, ${repeats} runs each, median (min – max) wall per command:\n`);
  process.stdout.write(renderText(["probe", "wall"], rows) + "\n");
} finally {
  await timed("ssh", [...mux, "-O", "exit", host.address]);
  rmSync(dir, { recursive: true, force: true });
}
