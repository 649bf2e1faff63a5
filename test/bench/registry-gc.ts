// Registry GC on about 1 GiB of images: how long `ops run registry-gc` takes and what it frees.
//   npm run build && flock /tmp/ops-lab.lock npx tsx test/bench/registry-gc.ts [--images 16] [--mib 64]
// Uses the lab's el9-1..3 as test/e2e/registry-gc.test.ts does (install-engine, deploy-registry), pushes
// --images images of --mib MiB of random bytes each through nginx, moves the tag of every second one to
// a tiny image (half the bytes unreachable, as after a season of `latest` pushes), then times a dry run
// and the collection, with a pull loop of the kept images running throughout. Prints one line per figure.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Credentials, Endpoint } from "../../src/registry/http.js";
import { manifestStatus, pushImage } from "../e2e/helpers/oci-push.js";
import { ops } from "../e2e/helpers/ops-cli.js";
import { PASSWORDS, bytesIn, registryLab } from "../e2e/helpers/registry.js";
import { labUp, readLab } from "../lab/lab.js";
import { platformImage } from "../unit/registry/support/oci-shapes.js";

const { values } = parseArgs({
  options: { images: { type: "string", default: "16" }, mib: { type: "string", default: "64" } },
});
const count = Number(values.images);
const mib = Number(values.mib);
const say = (k: string, v: string) => process.stdout.write(`figure: ${k}: ${v}\n`);
const must = (what: string, r: { code: number; stderr: string; stdout: string }) => {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr}${r.stdout.slice(-2000)}`);
};

await labUp({ el9: 3 });
const r = registryLab(readLab());
must("install-engine", await ops(["run", "install-engine", "-i", r.inventory, "--output", "json"]));
must("deploy-registry", await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]));
const ep: Endpoint = {
  url: `https://${r.address}:443`,
  ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8"),
};
const dev: Credentials = { user: "dev", password: PASSWORDS.dev };

const t0 = Date.now();
const kept: string[] = [];
for (let i = 0; i < count; i++) {
  const img = platformImage("amd64", `bench-${i}`, randomBytes(mib * 1024 * 1024));
  await pushImage(ep, dev, `team/bench${i % 4}`, img, `t${i}`);
  if (i % 2 === 1)
    await pushImage(ep, dev, `team/bench${i % 4}`, platformImage("amd64", `tiny-${i}`), `t${i}`);
  else kept.push(`team/bench${i % 4}@${img.manifest.digest}`);
}
const stored = await bytesIn(r.registry, "/var/lib/ops-registry/registry");
say(
  "pushed",
  `${count} images of ${mib} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s; storage ${stored} bytes`,
);

let t = Date.now();
const dry = await ops(["run", "registry-gc", "-i", r.inventory, "-e", "registry_gc_dry_run=true"]);
must("dry run", dry);
say(
  "dry run",
  `${((Date.now() - t) / 1000).toFixed(1)} s: ${/would delete .*$/m.exec(dry.stdout)?.[0] ?? "?"}`,
);

let running = true;
let pulls = 0;
let failed = 0;
const loop = (async () => {
  const end = Date.now() + 900_000;
  while (running && Date.now() < end) {
    const [repo = "", digest = ""] = (kept[pulls % kept.length] ?? "").split("@");
    if ((await manifestStatus(ep, dev, repo, digest).catch(() => 0)) !== 200) failed++;
    pulls++;
  }
})();
t = Date.now();
const gc = await ops(["run", "registry-gc", "-i", r.inventory, "--output", "json"]);
const ms = Date.now() - t;
running = false;
await loop;
must("registry-gc", gc);
const line = gc.events.flatMap((e) => (e.kind === "step-ran" && e.output ? [e.output] : [])).join("\n");
say("ops run registry-gc", `${(ms / 1000).toFixed(1)} s; ${pulls} pulls meanwhile, ${failed} failed`);
say("result", /ops-gc .*$/m.exec(line)?.[0] ?? line);
