// Distributing a ~200 MB image to N lab el9 hosts three ways, each host starting without it:
//   1. `ops run images` (docker save | gzip here, streamed over each host's SSH connection, hosts in parallel);
//   2. by hand: `docker save IMG | ssh root@HOST docker load`, one host after another;
//   3. every host pulling from the lab's deploy-registry at once (after one push).
// Bytes per host are what each host's eth0 received during the method (rx_bytes), so every method is
// counted the same way, plus the bytes ops reports it streamed. Peak memory and CPU of the ops process
// come from GNU time.
// `--gzip 0,1` runs method 1 once per images_gzip_level (0: the archive as docker save writes it), and
// `--compression auto,gzip,none` once per images_compression; with neither, once with the defaults.
// `--hosts 2` measures on the engines group (el9-2, el9-3) only; N >= 3 is el9-1..N (el9-1 is the registry
// host): more el9 hosts than the lab has are started for the bench and removed afterwards (withLabHosts).
// `--profile` first times the stages alone: docker save, save + gzip here, the SSH transfer by cipher, and
// docker load on one host from a file already there.
//   npm run build && flock /tmp/ops-lab.lock npx tsx test/bench/images.ts [--mb 200] [--gzip 0,1] [--hosts 10] [--profile]
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ops, summaries } from "../e2e/helpers/ops-cli.js";
import { registryLab, registryVars, writeRegistryInventory } from "../e2e/helpers/registry.js";
import { hostExec, type LabInfo } from "../lab/lab.js";
import { ensureServiceImage } from "../lab/service-images.js";
import { $ } from "../lab/sh.js";
import { withLabHosts } from "./lab-size.js";
import { parseCpuSeconds, parseMaxRss } from "./parse.js";
import { GNU_TIME } from "./proc.js";
import { profileStages } from "./images-profile.js";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    gzip: { type: "string", default: "" },
    compression: { type: "string", default: "" },
    hosts: { type: "string", default: "3" },
    profile: { type: "boolean", default: false },
  },
});
const mb = Number(values.mb);
const count = Number(values.hosts);
if (!Number.isInteger(count) || count < 2)
  throw new Error(`--hosts must be an integer of 2 or more, got "${values.hosts}"`);
// Each variant of method 1: its label and the variables it sets.
const variants: { label: string; vars: Record<string, unknown> }[] = [
  ...(values.gzip === "" ? [] : values.gzip.split(",")).map((l) => ({
    label: ` (images_gzip_level ${l})`,
    vars: { images_gzip_level: Number(l) },
  })),
  ...(values.compression === "" ? [] : values.compression.split(",")).map((c) => ({
    label: ` (images_compression ${c})`,
    vars: { images_compression: c },
  })),
];
if (variants.length === 0) variants.push({ label: "", vars: {} });
const say = (k: string, v: string) => process.stdout.write(`figure: ${k}: ${v}\n`);
const must = (what: string, r: { code: number; stderr: string; stdout: string }) => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}${r.stdout.slice(-2000)}`);
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function measure(lab: LabInfo): Promise<void> {
  const r = registryLab(lab);
  const el9 = lab.hosts.filter((h) => h.name.startsWith("el9-"));
  // Two hosts: the engines group, so the registry host (el9-1, which pushes) is left out.
  const two = count === 2;
  const hosts = two ? el9.slice(1, 3) : el9.slice(0, count);
  const limit = two ? ["--limit", "engines"] : [];
  const REF = "pub/big:1";
  const base = await ensureServiceImage("busybox");
  // Real files, not random bytes: system libraries and data compress the way an application image does.
  const context = join(r.dir, "big");
  mkdirSync(join(context, "payload"), { recursive: true });
  await $`sh -c ${`cd /usr && find lib/x86_64-linux-gnu share -type f -size -20M 2>/dev/null | head -c 2000000 | tr '\\n' '\\0' | xargs -0 tar -cf - 2>/dev/null | head -c ${mb * 1000 * 1000} > ${context}/payload/files.tar; true`}`;
  writeFileSync(join(context, "Dockerfile"), `FROM ${base}\nCOPY payload /payload\n`);
  const vars = {
    ...registryVars(lab),
    images_push_user: "dev",
    images: [{ ref: REF, source: "build", context: "big", push: true }],
  };
  // el9-1 is the registry host, every other measured host an engine.
  const inventory = writeRegistryInventory(lab, r.dir, vars, two ? el9.slice(0, 3) : hosts);
  must("install-engine", await ops(["run", "install-engine", "-i", inventory, "--output", "json"]));
  must("deploy-registry", await ops(["run", "deploy-registry", "-i", inventory, "--output", "json"]));
  await $`docker build -q -t ${REF} ${context}`;
  const size = Number(
    execFileSync("docker", ["image", "inspect", "--format", "{{.Size}}", REF], { encoding: "utf8" }).trim(),
  );
  say("image", `${REF}: ${MB(size)} unpacked`);

  const rx = async () =>
    Object.fromEntries(
      await Promise.all(
        hosts.map(
          async (h) =>
            [h.name, Number(await hostExec(h.name, "cat /sys/class/net/eth0/statistics/rx_bytes"))] as const,
        ),
      ),
    );
  const wipe = () =>
    Promise.all(
      hosts.map((h) =>
        hostExec(
          h.name,
          `docker rmi -f ${REF} ${r.address}:443/${REF} >/dev/null 2>&1; docker image prune -f >/dev/null; true`,
        ),
      ),
    );
  const perHost = (before: Record<string, number>, after: Record<string, number>) => {
    const got = hosts.map((h) => (after[h.name] ?? 0) - (before[h.name] ?? 0));
    return `${MB(Math.min(...got))} to ${MB(Math.max(...got))} (${hosts.length} hosts)`;
  };

  const profiled = hosts[hosts.length - 1];
  if (values.profile && profiled !== undefined) await profileStages({ lab, ref: REF, host: profiled, say });

  // The registry gets the image first (ops pushes it from the registry host), so method 3 can pull.
  must("push", await ops(["run", "images", "-i", inventory, "--limit", r.registry, "--output", "json"]));

  // On two hosts the pushing host (el9-1) is not in the run: the measured runs only distribute.
  const measured = (set: Record<string, unknown> = {}) =>
    Object.keys(set).length === 0 && !two
      ? inventory
      : writeRegistryInventory(
          lab,
          r.dir,
          { ...vars, ...(two ? { images: [{ ...vars.images[0], push: false }] } : {}), ...set },
          two ? el9.slice(0, 3) : hosts,
        );
  // ops under GNU time: its peak memory (RSS) and CPU seconds, the report kept out of its stderr.
  const timeDir = mkdtempSync(join(tmpdir(), "ops-bench-images-"));
  const opsTimed = async (args: string[]) => {
    const report = join(timeDir, "time.txt");
    const res = await ops(args, "", undefined, [GNU_TIME, "-v", "-o", report]);
    const text = readFileSync(report, "utf8");
    return { res, maxRss: parseMaxRss(text) ?? NaN, cpu: parseCpuSeconds(text) ?? NaN };
  };

  let before: Record<string, number> = {};
  let after: Record<string, number> = {};
  let t = 0;
  const opsMs = new Map<string, number>();
  for (const { label, vars: set } of variants) {
    await wipe();
    before = await rx();
    t = Date.now();
    const { res, maxRss, cpu } = await opsTimed([
      "run",
      "images",
      "-i",
      measured(set),
      "--output",
      "json",
      ...limit,
    ]);
    must("ops run images", res);
    const ms = Date.now() - t;
    opsMs.set(label, ms);
    after = await rx();
    const streamed = Object.values(summaries(res)).map((s) =>
      s.applied.reduce((n, a) => n + (a.bytes ?? 0), 0),
    );
    // Where the run went: the run steps on the control machine (the build), then each host's load.
    const runSteps = res.events.flatMap((e) => (e.kind === "run-step" ? [`${e.name} ${secs(e.ms)}`] : []));
    const loads = res.events.flatMap((e) =>
      e.kind === "step-ran" && e.resource.startsWith("image:") ? [e.ms] : [],
    );
    say(
      `ops run images${label}: where the time went`,
      `run steps: ${runSteps.join(", ")}; load step per host ${secs(Math.min(...loads))} to ${secs(Math.max(...loads))}`,
    );
    say(
      `ops run images${label}`,
      `${secs(ms)} for ${hosts.length} hosts; received per host: ${perHost(before, after)}; streamed per host (ops): ${MB(Math.min(...streamed))} to ${MB(Math.max(...streamed))}; ops peak RSS ${MB(maxRss)}, CPU ${cpu.toFixed(1)} s`,
    );
  }
  t = Date.now();
  const again = await ops(["run", "images", "-i", measured(), "--output", "json", ...limit]);
  must("second run", again);
  const commands = Object.values(summaries(again)).map((s) => s.commands);
  say(
    "second run",
    `${secs(Date.now() - t)}; commands per host: ${Math.min(...commands)} to ${Math.max(...commands)}`,
  );
  rmSync(timeDir, { recursive: true, force: true });

  await wipe();
  before = await rx();
  t = Date.now();
  for (const h of hosts)
    await $`sh -c ${`docker save ${REF} | ssh -i ${lab.privateKeyFile} -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes root@${h.address} docker load -q`}`;
  const handMs = Date.now() - t;
  after = await rx();
  say(
    "docker save | ssh docker load, one host after another",
    `${secs(handMs)}; received per host: ${perHost(before, after)}`,
  );

  await wipe();
  before = await rx();
  t = Date.now();
  await Promise.all(hosts.map((h) => hostExec(h.name, `docker pull -q ${r.address}:443/${REF} >/dev/null`)));
  const pullMs = Date.now() - t;
  after = await rx();
  say(
    "every host pulls from the lab registry at once",
    `${secs(pullMs)}; received per host: ${perHost(before, after)}`,
  );
  // The hosts are left as the bench found them: without the image.
  await wipe();
  for (const [label, ms] of opsMs)
    say(
      `ratios${label}`,
      `ops vs by hand ${(handMs / ms).toFixed(2)}x faster; ops vs registry pull ${(pullMs / ms).toFixed(2)}x`,
    );
}

// At least the 3 el9 hosts of the registry scenario; debian12 hosts are left as they are.
await withLabHosts({ el9: Math.max(3, count) }, measure);
