// Builds the lab's RPMs from the specs in rpm/ and the extracted Debian packages, signs them, and lays
// out a yum repository tree like download.docker.com. Cached in .cache/repo/<hash> by input hash.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from "node:fs";
import { basename, isAbsolute, join } from "node:path";
import { CACHE_DIR, LAB_DIR } from "./config.js";
import { ensureDebs } from "./debs.js";
import { ensureKey, signRpms } from "./gpg.js";
import { hashInputs } from "./hash.js";
import { $, timed } from "./sh.js";

export const SPEC_DIR = join(LAB_DIR, "rpm");
/** The engine version of the Debian binaries, and the older label the same binaries also get. */
export const ENGINE_VERSION = "20.10.24";
export const OLDER_ENGINE_VERSION = "20.10.23";

export interface RepoTree {
  /** Directory to serve at the web root: holds linux/centos/... and docker-ce/linux/centos/... */
  root: string;
  fingerprint: string;
  rogueFingerprint: string;
  /** The signed ops-lab-base-system RPM, which el9 host images install at build time. */
  baseSystemRpm: string;
}

/** "containerd_1.6.20~ds1-1+deb12u3_amd64.deb" -> "1.6.20" */
export function upstreamVersion(deb: string): string {
  const m = /_(?:\d+%3a)?(\d+\.\d+\.\d+)/.exec(basename(deb));
  if (m?.[1] === undefined) throw new Error(`cannot read a version from ${deb}`);
  return m[1];
}

/** Builds `spec` (a name in rpm/, or an absolute path) with rpm/ as %{specdir} (macros, units). */
export async function rpmbuild(topdir: string, spec: string, defines: Record<string, string>): Promise<void> {
  const args = Object.entries({ _topdir: topdir, specdir: SPEC_DIR, ...defines }).flatMap(([k, v]) => [
    "--define",
    `${k} ${v}`,
  ]);
  // Fast gzip: the payload is large prebuilt binaries and the repo never leaves the machine.
  const path = isAbsolute(spec) ? spec : join(SPEC_DIR, spec);
  await $`rpmbuild -bb --quiet --define ${"_binary_payload w1.gzdio"} ${args} ${path}`;
}

export function rpmsIn(dir: string): string[] {
  const out: string[] = [];
  for (const arch of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, arch))) if (f.endsWith(".rpm")) out.push(join(dir, arch, f));
  }
  return out;
}

/** Builds, signs and indexes everything unless a tree for the same inputs exists. */
export async function ensureRepoTree(): Promise<RepoTree> {
  const debs = await ensureDebs();
  const key = await ensureKey("lab");
  const rogue = await ensureKey("rogue");
  const hash = hashInputs([
    { path: SPEC_DIR },
    ...Object.values(debs).map((d) => basename(d.deb)),
    key.fingerprint,
    rogue.fingerprint,
  ]);
  const root = join(CACHE_DIR, "repo", hash);
  const packages = join(root, "linux", "centos", "9", "x86_64", "stable", "Packages");
  const result = () => ({
    root,
    fingerprint: key.fingerprint,
    rogueFingerprint: rogue.fingerprint,
    baseSystemRpm: join(
      packages,
      readdirSync(packages).find((f) => f.startsWith("ops-lab-base-system-")) ?? "",
    ),
  });
  if (existsSync(root)) return result();

  const work = join(CACHE_DIR, "repo", `tmp-${hash}`);
  rmSync(work, { recursive: true, force: true });
  await timed("building and signing RPMs", async () => {
    const good = join(work, "build");
    const bad = join(work, "build-rogue");
    await rpmbuild(good, "ops-lab-base-system.spec", {});
    for (const engine_version of [ENGINE_VERSION, OLDER_ENGINE_VERSION]) {
      const payload = debs["docker.io"].root;
      await rpmbuild(good, "docker-ce.spec", { engine_version, payload, tini: debs.tini.root });
      await rpmbuild(good, "docker-ce-cli.spec", { engine_version, payload });
    }
    await rpmbuild(good, "containerd.io.spec", {
      pkg_version: upstreamVersion(debs.containerd.deb),
      payload: debs.containerd.root,
      runc: debs.runc.root,
    });
    const plugins = [
      ["docker-compose-plugin", "docker-compose", "docker-compose"],
      ["docker-buildx-plugin", "docker-buildx", "docker-buildx"],
    ] as const;
    for (const [plugin_pkg, plugin_bin, deb] of plugins) {
      const payload = debs[deb].root;
      await rpmbuild(good, "docker-plugin.spec", {
        plugin_pkg,
        plugin_bin,
        payload,
        pkg_version: upstreamVersion(debs[deb].deb),
      });
    }
    await rpmbuild(bad, "ops-lab-rogue.spec", {});
    await signRpms(key, rpmsIn(join(good, "RPMS")));
    await signRpms(rogue, rpmsIn(join(bad, "RPMS")));

    // Layout of download.docker.com: <base>/linux/centos/<releasever>/<basearch>/stable, key at <base>/linux/centos/gpg.
    const tree = join(work, "srv");
    const centos = join(tree, "linux", "centos");
    const stable = join(centos, "9", "x86_64", "stable");
    mkdirSync(join(stable, "Packages"), { recursive: true });
    for (const f of [...rpmsIn(join(good, "RPMS")), ...rpmsIn(join(bad, "RPMS"))]) {
      copyFileSync(f, join(stable, "Packages", basename(f)));
    }
    await $`createrepo_c --quiet ${stable}`;
    copyFileSync(key.armoredFile, join(centos, "gpg"));
    writeFileSync(join(centos, "docker-ce.repo"), repoFile());
    // A mirror-style prefix (like mirrors.example.com/docker-ce/linux/centos) serving the same content.
    mkdirSync(join(tree, "docker-ce"));
    symlinkSync("../linux", join(tree, "docker-ce", "linux"));
    renameSync(tree, root);
    rmSync(work, { recursive: true, force: true });
  });
  return result();
}

/**
 * Serves the EL tree as linux/rhel too (a symlink in the served root, outside the tree's input hash:
 * nothing is rebuilt). Docker publishes linux/rhel with linux/centos's layout and key, and install-engine
 * routes a RHEL host there; the lab's one EL userland presents as RHEL by its os-release alone.
 */
export function ensureRhelAlias(root: string): void {
  const alias = join(root, "linux", "rhel");
  if (lstatSync(alias, { throwIfNoEntry: false }) === undefined) symlinkSync("centos", alias);
}

/** The docker-ce.repo that download.docker.com also publishes next to its key (relative to the server). */
export function repoFile(prefix = ""): string {
  return [
    "[docker-ce-stable]",
    "name=Docker CE Stable - $basearch",
    `baseurl=${prefix}/linux/centos/$releasever/$basearch/stable`,
    "enabled=1",
    "gpgcheck=1",
    `gpgkey=${prefix}/linux/centos/gpg`,
    "",
  ].join("\n");
}
