// Distributing a ~200 MB image to the lab's el9 hosts three ways, each host starting without it:
//   1. `ops run images` (docker save | gzip here, streamed over each host's SSH connection, hosts in parallel);
//   2. by hand: `docker save IMG | ssh root@HOST docker load`, one host after another;
//   3. every host pulling from the lab's deploy-registry at once (after one push).
// Bytes per host are what each host's eth0 received during the method (rx_bytes), so every method is
// counted the same way, plus the bytes ops reports it streamed.
// `--gzip 0,1` runs method 1 once per images_gzip_level (0: the archive as docker save writes it).
// `--hosts 2` measures on the engines group (el9-2, el9-3) only; default 3 (every el9 host).
//   npm run build && flock /tmp/ops-lab.lock npx tsx test/bench/images.ts [--mb 200] [--gzip 0,1] [--hosts 2]
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ops, summaries } from "../e2e/helpers/ops-cli.js";
import { registryLab, registryVars, writeRegistryInventory } from "../e2e/helpers/registry.js";
import { hostExec, labUp } from "../lab/lab.js";
import { ensureServiceImage } from "../lab/service-images.js";
import { $ } from "../lab/sh.js";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "200" },
    gzip: { type: "string", default: "" },
    hosts: { type: "string", default: "3" },
  },
});
const mb = Number(values.mb);
const levels = values.gzip === "" ? [undefined] : values.gzip.split(",").map(Number);
const say = (k: string, v: string) => process.stdout.write(`figure: ${k}: ${v}\n`);
const must = (what: string, r: { code: number; stderr: string; stdout: string }) => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}${r.stdout.slice(-2000)}`);
};
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

const lab = await labUp({ el9: 3 });
const r = registryLab(lab);
const el9 = lab.hosts.filter((h) => h.name.startsWith("el9-"));
// Two hosts: the engines group, so the registry host (el9-1, which pushes) is left out.
const two = values.hosts === "2";
const hosts = two ? el9.slice(1, 3) : el9;
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
const inventory = writeRegistryInventory(lab, r.dir, vars);
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
const perHost = (before: Record<string, number>, after: Record<string, number>) =>
  hosts.map((h) => `${h.name} ${MB((after[h.name] ?? 0) - (before[h.name] ?? 0))}`).join(", ");

// The registry gets the image first (ops pushes it from the registry host), so method 3 can pull.
must("push", await ops(["run", "images", "-i", inventory, "--limit", r.registry, "--output", "json"]));

// On two hosts the pushing host (el9-1) is not in the run: the measured runs only distribute.
const measured = (level?: number) =>
  level === undefined && !two
    ? inventory
    : writeRegistryInventory(lab, r.dir, {
        ...vars,
        ...(two ? { images: [{ ...vars.images[0], push: false }] } : {}),
        ...(level === undefined ? {} : { images_gzip_level: level }),
      });

let before: Record<string, number> = {};
let after: Record<string, number> = {};
let t = 0;
const opsMs = new Map<number | undefined, number>();
for (const level of levels) {
  await wipe();
  before = await rx();
  t = Date.now();
  const res = await ops(["run", "images", "-i", measured(level), "--output", "json", ...limit]);
  must("ops run images", res);
  const ms = Date.now() - t;
  opsMs.set(level, ms);
  after = await rx();
  const streamed = Object.values(summaries(res)).map(
    (s) => `${s.host} ${MB(s.applied.reduce((n, a) => n + (a.bytes ?? 0), 0))}`,
  );
  say(
    `ops run images${level === undefined ? "" : ` (images_gzip_level ${level})`}`,
    `${secs(ms)} for ${hosts.length} hosts; received per host: ${perHost(before, after)}; streamed per host (ops): ${streamed.join(", ")}`,
  );
}
t = Date.now();
const again = await ops(["run", "images", "-i", measured(), "--output", "json", ...limit]);
must("second run", again);
say(
  "second run",
  `${secs(Date.now() - t)}; commands per host: ${Object.values(summaries(again))
    .map((s) => `${s.host} ${s.commands}`)
    .join(", ")}`,
);

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
for (const [level, ms] of opsMs)
  say(
    `ratios${level === undefined ? "" : ` (images_gzip_level ${level})`}`,
    `ops vs by hand ${(handMs / ms).toFixed(2)}x faster; ops vs registry pull ${(pullMs / ms).toFixed(2)}x`,
  );
