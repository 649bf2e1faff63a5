/**
 * Registry garbage collection end to end on the lab: el9-1 runs the registry, el9-2 and el9-3 are
 * engine hosts. Realistic content is pushed through nginx by raw HTTP, byte for byte as buildx,
 * cosign and oras send it (two platforms built without emulation: `FROM scratch` + `COPY`, with
 * buildx's attestation manifests, a cosign `sha256-<hex>.sig` tag and an OCI 1.1 SBOM referrer
 * with `subject`); an unrelated tag is moved and another deleted; GC runs from the timer's unit and
 * from `ops run registry-gc` while a pull loop runs. The scenarios run in order.
 * Run under `flock /tmp/ops-lab.lock`, after `npm run build`.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { send, type Credentials, type Endpoint } from "../../src/registry/http.js";
import { hostExec, hostExecResult, labUp, readLab, recreateHost } from "../lab/lab.js";
import {
  buildxIndex,
  cosignSignature,
  platformImage,
  sbomReferrer,
  type Image,
} from "../unit/registry/support/oci-shapes.js";
import { manifestStatus, pullWhole, pushImage, pushManifest } from "./helpers/oci-push.js";
import { ops, summaries, type OpsResult } from "./helpers/ops-cli.js";
import {
  PASSWORDS,
  dockerLogin,
  registryLab,
  registryVars,
  storageListing,
  writeRegistryInventory,
  type RegistryLab,
} from "./helpers/registry.js";

const figures: Record<string, string> = {};
const MiB = 1024 * 1024;

describe("registry GC on lab hosts", function () {
  this.timeout(900_000);
  let r: RegistryLab;
  let ep: Endpoint;
  const dev: Credentials = { user: "dev", password: PASSWORDS.dev };
  const guest: Credentials = { user: "guest", password: PASSWORDS.guest };
  const ok = (res: OpsResult) => assert.equal(res.code, 0, `${res.stderr}\n${res.stdout.slice(-3000)}`);

  // What must survive every collection: a tagged multi-platform index and everything attached to it.
  const app = buildxIndex("team/multi", randomBytes(256 * 1024));
  const sig = cosignSignature(app.index, "team/multi");
  const sbom = sbomReferrer(app.index, "team/multi");
  const family: Image[] = [...app.images, { blobs: [], manifest: app.index }, sig, sbom];
  // What may go: an image whose tag moved to another (untagged now), and one deleted by `ops registry rm`.
  const moved = platformImage("amd64", "moved", randomBytes(8 * MiB));
  const movedTo = platformImage("amd64", "moved-to");
  const removed = platformImage("amd64", "removed", randomBytes(4 * MiB));
  const familyPulls = async () =>
    (await Promise.all(family.map((i) => pullWhole(ep, guest, "team/multi", i)))).flat();

  before(async () => {
    await labUp({ el9: 3 });
    for (const h of readLab().hosts) await recreateHost(h.name);
    const lab = readLab();
    r = registryLab(lab);
    writeRegistryInventory(lab, r.dir, { ...registryVars(lab), registry_gc_schedule: "Sun 03:00" });
    ok(await ops(["run", "install-engine", "-i", r.inventory, "--output", "json"]));
    ok(await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]));
    ep = { url: `https://${r.address}:443`, ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8") };
  });

  it("a buildx-style index with attestations, a cosign signature and an OCI 1.1 referrer push through nginx; an engine pulls a platform by digest", async () => {
    for (const img of app.images) await pushImage(ep, dev, "team/multi", img);
    await pushManifest(ep, dev, "team/multi", app.index, "v1");
    await pushImage(ep, dev, "team/multi", sig, sig.tag);
    await pushImage(ep, dev, "team/multi", sbom);
    await pushImage(ep, dev, "team/other", moved, "latest");
    await pushImage(ep, dev, "team/other", movedTo, "latest");
    await pushImage(ep, dev, "team/other", removed, "gone");
    assert.deepEqual(await familyPulls(), []);
    const rm = await ops(["registry", "rm", "team/other:gone", "--as", "keeper", "-i", r.inventory]);
    ok(rm);
    const e1 = r.engines[0];
    assert.match(await dockerLogin(e1, r.address, "guest", PASSWORDS.guest), /^0 /);
    const amd = app.platforms[0]?.manifest.digest ?? "";
    const pull = await hostExecResult(e1, `docker pull ${r.address}/team/multi@${amd} 2>&1`);
    assert.equal(pull.exitCode, 0, pull.stdout);
  });

  it("the dry run lists exactly the manifest nothing reaches, with its size, and changes nothing", async () => {
    const before = await storageListing(r.registry);
    const res = await ops(["run", "registry-gc", "-i", r.inventory, "-e", "registry_gc_dry_run=true"]);
    ok(res);
    assert.match(
      res.stdout,
      /dry run: would delete 1 manifest\(s\) and remove 0 tag\(s\) alone, freeing about 8\.\d MiB/,
    );
    assert.match(res.stdout, new RegExp(`delete team/other@${moved.manifest.digest} \\S+ 8\\.\\d MiB`));
    for (const i of family) assert.ok(!res.stdout.includes(i.manifest.digest), `${i.manifest.digest} listed`);
    assert.equal(await storageListing(r.registry), before, "the dry run changed the storage");
  });

  it("the timer's collection frees what `ops registry rm` released, deletes no manifest, and keeps the whole index family", async () => {
    const unit = "ops-registry-gc.service";
    const t0 = Date.now();
    await hostExec(r.registry, `systemctl start ${unit}`);
    figures["scheduled GC (blob collection only)"] = `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    assert.match(await hostExec(r.registry, `systemctl show -p ExecMainStatus ${unit}`), /ExecMainStatus=0/);
    const log = await hostExec(
      r.registry,
      `journalctl -u ${unit} --no-pager -o cat | grep '^ops-gc ' | tail -1`,
    );
    const freed = Number(/bytes_freed=(-?\d+)/.exec(log)?.[1] ?? "NaN");
    figures["scheduled GC freed"] = `${freed} bytes (${log.trim()})`;
    assert.ok(freed >= 0.95 * 4 * MiB, log);
    assert.match(log, /manifests_deleted=0/);
    assert.equal(
      await manifestStatus(ep, dev, "team/other", moved.manifest.digest),
      200,
      "no manifest deleted",
    );
    assert.deepEqual(await familyPulls(), []);
  });

  it("ops run registry-gc deletes what nothing reaches while a pull loop never fails and pushes get 503 with Retry-After", async () => {
    let running = true;
    const failures: string[] = [];
    let pulls = 0;
    const refusals: string[] = [];
    const targets = family.map((i) => i.manifest.digest);
    const end = Date.now() + 600_000;
    // Bounded: stops when GC ends, after 10 minutes, or after 20000 pulls, whichever comes first.
    const loop = (async () => {
      while (running && Date.now() < end && pulls < 20_000) {
        const digest = targets[pulls % targets.length] ?? "";
        const status = await manifestStatus(ep, guest, "team/multi", digest).catch((e: Error) => e.message);
        pulls++;
        if (status !== 200) failures.push(`${digest}: ${status}`);
      }
    })();
    const probe = (async () => {
      while (running && Date.now() < end) {
        const a = await send(ep, "POST", "/v2/team/probe/blobs/uploads/", { credentials: dev });
        if (a.status === 503) refusals.push(`${String(a.headers["retry-after"])} ${a.body.toString()}`);
        else if (a.status === 202 && a.headers.location)
          await send(ep, "DELETE", new URL(String(a.headers.location), ep.url).pathname, {
            credentials: dev,
          });
        await new Promise((res) => setTimeout(res, 300));
      }
    })();
    const t0 = Date.now();
    const res = await ops(["run", "registry-gc", "-i", r.inventory, "--output", "json"]);
    const ms = Date.now() - t0;
    running = false;
    await Promise.all([loop, probe]);
    ok(res);
    const out = res.events.flatMap((e) => (e.kind === "step-ran" && e.output ? [e.output] : [])).join("\n");
    const freed = Number(/bytes_freed=(-?\d+)/.exec(out)?.[1] ?? "NaN");
    figures["ops run registry-gc"] =
      `${(ms / 1000).toFixed(1)} s, ${pulls} pulls meanwhile, ${refusals.length} push probes refused`;
    figures["ops run registry-gc freed"] = `${freed} bytes (${out.trim().split("\n").pop() ?? ""})`;
    assert.deepEqual(failures, [], `${failures.length} of ${pulls} pulls failed`);
    assert.ok(pulls > 20, `only ${pulls} pulls ran`);
    assert.ok(refusals.length > 0, "no push probe met the freeze");
    assert.match(refusals[0] ?? "", /^60 .*"code":"UNAVAILABLE".*garbage collection in progress/);
    assert.match(out, /manifests_deleted=1 /);
    // The 8 MiB of random bytes, gzipped, in a tar, as stored (du counts what the disk held).
    assert.ok(freed >= 0.95 * 8 * MiB, out);
    assert.equal(summaries(res)[r.registry]?.status, "changed");
    assert.equal(await manifestStatus(ep, dev, "team/other", moved.manifest.digest), 404);
    assert.equal(await manifestStatus(ep, dev, "team/other", movedTo.manifest.digest), 200);
    assert.deepEqual(
      await familyPulls(),
      [],
      "every platform, attestation, signature and referrer pulls by digest",
    );
    // Pushes are open again.
    await pushImage(ep, dev, "team/other", platformImage("amd64", "after-gc"), "after");
    // The next dry run finds nothing left to delete.
    const again = await ops(["run", "registry-gc", "-i", r.inventory, "-e", "registry_gc_dry_run=true"]);
    assert.match(again.stdout, /would delete 0 manifest\(s\)/);
  });

  after(() => {
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`      figure: ${k}: ${v}\n`);
  });
});
