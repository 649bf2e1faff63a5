// A second repo tree, laid out like download.docker.com under /vendor on the same server: ONE docker-ce
// RPM that Provides: docker-ce-cli, containerd.io, docker-buildx-plugin and docker-compose-plugin (as
// repackaged and vendor builds do), signed with the lab key. It proves that ops queries installed
// packages by capability. Built once into .cache/vendor-repo/<hash of inputs>, then hard-linked under
// the served main tree as vendor/ (replaced when its inputs change): the main tree, its hash and the
// host images built from it stay exactly as they are, and the repo container needs no new mount.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { CACHE_DIR, LAB_DIR } from "./config.js";
import { ensureDebs } from "./debs.js";
import { ensureKey, signRpms } from "./gpg.js";
import { hashInputs } from "./hash.js";
import { ENGINE_VERSION, SPEC_DIR, repoFile, rpmbuild, rpmsIn, upstreamVersion } from "./rpms.js";
import { placeUnder } from "./served-tree.js";
import { $, timed } from "./sh.js";

/** The path prefix the vendor tree is served under: http://<repo>/vendor/linux/centos/... */
export const VENDOR_PREFIX = "vendor";
const VENDOR_SPEC_DIR = join(LAB_DIR, "rpm-vendor");

/** Builds (when missing) and places the vendor tree under `mainRoot`/vendor; returns its input hash. */
export async function ensureVendorTree(mainRoot: string): Promise<string> {
  const debs = await ensureDebs();
  const key = await ensureKey("lab");
  const hash = hashInputs([
    { path: VENDOR_SPEC_DIR },
    { path: join(SPEC_DIR, "common.macros") },
    { path: join(SPEC_DIR, "units") },
    ...Object.values(debs).map((d) => basename(d.deb)),
    key.fingerprint,
  ]);
  const built = join(CACHE_DIR, "vendor-repo", hash);
  if (!existsSync(built)) {
    const work = join(CACHE_DIR, "vendor-repo", `tmp-${hash}`);
    rmSync(work, { recursive: true, force: true });
    await timed("building and signing the vendor docker-ce RPM", async () => {
      const build = join(work, "build");
      await rpmbuild(build, join(VENDOR_SPEC_DIR, "docker-ce.spec"), {
        engine_version: ENGINE_VERSION,
        payload: debs["docker.io"].root,
        tini: debs.tini.root,
        containerd: debs.containerd.root,
        runc: debs.runc.root,
        buildx: debs["docker-buildx"].root,
        compose: debs["docker-compose"].root,
        containerd_version: upstreamVersion(debs.containerd.deb),
        buildx_version: upstreamVersion(debs["docker-buildx"].deb),
        compose_version: upstreamVersion(debs["docker-compose"].deb),
      });
      const rpms = rpmsIn(join(build, "RPMS"));
      await signRpms(key, rpms);
      const centos = join(work, "srv", "linux", "centos");
      const stable = join(centos, "9", "x86_64", "stable");
      mkdirSync(join(stable, "Packages"), { recursive: true });
      for (const f of rpms) copyFileSync(f, join(stable, "Packages", basename(f)));
      await $`createrepo_c --quiet ${stable}`;
      copyFileSync(key.armoredFile, join(centos, "gpg"));
      writeFileSync(join(centos, "docker-ce.repo"), repoFile(`/${VENDOR_PREFIX}`));
      renameSync(join(work, "srv"), built);
      rmSync(work, { recursive: true, force: true });
    });
  }
  await placeUnder(mainRoot, VENDOR_PREFIX, built, hash);
  return hash;
}
