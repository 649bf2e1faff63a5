// Where a no-op's one round trip goes: times each fact probe of install-engine on one lab host, over
// one multiplexed SSH connection (so connecting is paid once and left out), plus the whole batched
// probe, the floor's probe and an empty command for reference. A profiling aid for docs/BENCHMARKS.md:
//   flock /tmp/ops-lab.lock npx tsx test/bench/profile-probe.ts [host-name] [repeats] [saved-probe.sh]
// With a saved probe script (another build's batched probe), it is timed alternately with this build's,
// run for run, so load on the machine hits both alike: a before/after comparison.
import { readFileSync } from "node:fs";
import { buildProbe, makeNonce } from "../../src/facts/gather.js";
import { readLab } from "../lab/lab.js";
import { FLOOR_PROBE } from "./floor.js";
import { installEngineFacts, timeScript, withConnection, type Ssh } from "./probe-cost.js";
import { summarize } from "./stats.js";
import { formatMs } from "./results.js";
import { renderText } from "./table.js";

const [name, repeatsArg, savedFile] = process.argv.slice(2);
const repeats = Number(repeatsArg ?? 5);
const lab = readLab();
const host = lab.hosts.find((h) => h.name === (name ?? lab.hosts[0]?.name));
if (host === undefined) throw new Error(`no lab host ${name ?? ""}`);
const facts = await installEngineFacts(lab, host.name);

const show = (ms: number[]): string => {
  const s = summarize(ms);
  return `${formatMs(s.median)} (${formatMs(s.min)} – ${formatMs(s.max)})`;
};
const measure = async (ssh: Ssh, script: () => string): Promise<string> =>
  show(await timeScript(ssh, script, repeats));

/** The saved script and this build's probe, alternately: [saved, current] wall times. */
async function alternate(ssh: Ssh, saved: string): Promise<[number[], number[]]> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < repeats; i++) {
    a.push(...(await timeScript(ssh, () => saved, 1)));
    b.push(...(await timeScript(ssh, () => buildProbe(facts, makeNonce()), 1)));
  }
  return [a, b];
}

const rows = await withConnection(lab, host, async (ssh) => {
  const out: string[][] = [["(empty command over the open connection)", await measure(ssh, () => "true")]];
  out.push(["floor probe (test/bench/floor.ts)", await measure(ssh, () => FLOOR_PROBE)]);
  out.push([
    `ops batched probe (${facts.length} facts)`,
    await measure(ssh, () => buildProbe(facts, makeNonce())),
  ]);
  if (savedFile !== undefined) {
    const [saved, current] = await alternate(ssh, readFileSync(savedFile, "utf8"));
    out.push([`saved probe ${savedFile} (alternating)`, show(saved)]);
    out.push([`ops batched probe (alternating with it)`, show(current)]);
  }
  for (const f of facts)
    out.push([`  fact ${f.name.slice(0, 60)}`, await measure(ssh, () => buildProbe([f], makeNonce()))]);
  return out;
});
process.stdout.write(`${host.name}, ${repeats} runs each, median (min – max) wall per command:\n`);
process.stdout.write(renderText(["probe", "wall"], rows) + "\n");
