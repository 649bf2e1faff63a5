// The lab's apt repositories, laid out like download.docker.com/linux/debian:
//   linux/debian/gpg                                   the lab key (armored), as Docker publishes its key
//   linux/debian/dists/bookworm/{InRelease,Release,Release.gpg}   signed by the lab key
//   linux/debian/dists/bookworm/stable/binary-amd64/Packages(.gz)
//   linux/debian/dists/bookworm/pool/stable/amd64/*.deb  (Docker keeps its pool under dists/<codename>)
// plus rogue/linux/debian: the same packages and the same published key, but Release signed by the rogue
// key, which apt must refuse. The mirror-style path docker-ce/linux/debian comes from the main tree's
// docker-ce/linux link. Built once into .cache/apt-repo/<hash of inputs> and hard-linked under the served
// tree, like the vendor tree.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { APT_CODENAME, DEB_DIR, aptPackages, controlFile, type DebPackage } from "./apt-packages.js";
import { CACHE_DIR } from "./config.js";
import { ensureDebs } from "./debs.js";
import { ensureKey, type SigningKey } from "./gpg.js";
import { hashInputs } from "./hash.js";
import { upstreamVersion } from "./rpms.js";
import { placeUnder } from "./served-tree.js";
import { $, timed } from "./sh.js";

/** Where the trees are served under the repo root. */
export const APT_PATH = "linux/debian";
export const APT_ROGUE_PREFIX = "rogue";

type Debs = Awaited<ReturnType<typeof ensureDebs>>;

/** Stages one package's files and builds its .deb into `out`. */
async function buildDeb(p: DebPackage, debs: Debs, work: string, out: string): Promise<void> {
  const root = join(work, `${p.name}_${p.version.replace(/^\d+:/, "")}`);
  let bytes = 0;
  for (const f of p.files) {
    const src = "deb" in f.from ? join(debs[f.from.deb].root, f.from.path) : f.from.file;
    const dst = join(root, f.to);
    mkdirSync(join(dst, ".."), { recursive: true });
    copyFileSync(src, dst);
    chmodSync(dst, f.mode);
    bytes += statSync(dst).size;
  }
  const control = join(root, "DEBIAN");
  mkdirSync(control, { recursive: true });
  writeFileSync(join(control, "control"), controlFile(p, Math.ceil(bytes / 1024)));
  if (p.conffiles.length > 0) writeFileSync(join(control, "conffiles"), p.conffiles.join("\n") + "\n");
  for (const s of p.scripts) {
    copyFileSync(join(DEB_DIR, `${p.name}.${s}`), join(control, s));
    chmodSync(join(control, s), 0o755);
  }
  // Fast gzip: large prebuilt binaries, and the repo never leaves the machine.
  await $`dpkg-deb --root-owner-group -Zgzip -z1 --build ${root} ${join(out, basename(root) + "_amd64.deb")}`;
  rmSync(root, { recursive: true, force: true });
}

/** Writes Packages, Packages.gz and Release for the tree at `base` (its dists/<codename>/pool holds the .debs). */
async function index(base: string): Promise<void> {
  const dist = join("dists", APT_CODENAME);
  const binary = join(base, dist, "stable", "binary-amd64");
  mkdirSync(binary, { recursive: true });
  // Run from the tree's base so each Filename: reads dists/bookworm/pool/stable/amd64/..., as Docker's do.
  const packages = await $({ cwd: base })`apt-ftparchive packages ${join(dist, "pool", "stable", "amd64")}`;
  writeFileSync(join(binary, "Packages"), packages.stdout);
  await $`gzip -9kn ${join(binary, "Packages")}`;
  const fields = {
    Origin: "Docker",
    Label: "Docker CE",
    Suite: APT_CODENAME,
    Codename: APT_CODENAME,
    Architectures: "amd64",
    Components: "stable",
    Description: "ops lab build of Docker's apt repository",
  };
  const opts = Object.entries(fields).map(([k, v]) => `-o=APT::FTPArchive::Release::${k}=${v}`);
  const release = await $({ cwd: base })`apt-ftparchive ${opts} release ${dist}`;
  writeFileSync(join(base, dist, "Release"), release.stdout);
}

/** Signs dists/<codename>/Release as InRelease (clear-signed) and Release.gpg (detached). */
async function sign(base: string, key: SigningKey): Promise<void> {
  const dist = join(base, "dists", APT_CODENAME);
  const env = { ...process.env, GNUPGHOME: key.gnupgHome };
  const gpg = ["--batch", "--yes", "--local-user", key.fingerprint, "--digest-algo", "SHA512"];
  await $({ env })`gpg ${gpg} --clearsign --output ${join(dist, "InRelease")} ${join(dist, "Release")}`;
  await $({
    env,
  })`gpg ${gpg} --armor --detach-sign --output ${join(dist, "Release.gpg")} ${join(dist, "Release")}`;
  await $({ env })`gpgconf --kill gpg-agent`.nothrow();
}

/** Builds (when missing) and serves the apt trees under `mainRoot`; returns the input hash. */
export async function ensureAptTree(mainRoot: string): Promise<string> {
  const debs = await ensureDebs();
  const key = await ensureKey("lab");
  const rogue = await ensureKey("rogue");
  const hash = hashInputs([
    { path: DEB_DIR },
    { path: new URL("./apt-packages.ts", import.meta.url).pathname },
    { path: new URL("./apt-repo.ts", import.meta.url).pathname },
    ...Object.values(debs).map((d) => basename(d.deb)),
    key.fingerprint,
    rogue.fingerprint,
  ]);
  const built = join(CACHE_DIR, "apt-repo", hash);
  if (!existsSync(built)) {
    const work = join(CACHE_DIR, "apt-repo", `tmp-${hash}`);
    rmSync(work, { recursive: true, force: true });
    await timed("building and signing the apt repositories", async () => {
      const good = join(work, "srv", "debian");
      const pool = join(good, "dists", APT_CODENAME, "pool", "stable", "amd64");
      mkdirSync(pool, { recursive: true });
      const upstream = {
        containerd: upstreamVersion(debs.containerd.deb),
        compose: upstreamVersion(debs["docker-compose"].deb),
        buildx: upstreamVersion(debs["docker-buildx"].deb),
      };
      for (const p of aptPackages(upstream)) await buildDeb(p, debs, join(work, "stage"), pool);
      await index(good);
      await sign(good, key);
      copyFileSync(key.armoredFile, join(good, "gpg"));
      // The rogue tree: same packages and published key, Release signed by a key nobody trusts.
      const bad = join(work, "srv", "rogue");
      await $`cp -al ${join(good, "dists")} ${bad + "-dists"}`;
      mkdirSync(bad);
      renameSync(bad + "-dists", join(bad, "dists"));
      for (const f of ["InRelease", "Release.gpg"]) rmSync(join(bad, "dists", APT_CODENAME, f));
      await sign(bad, rogue);
      copyFileSync(key.armoredFile, join(bad, "gpg"));
      renameSync(join(work, "srv"), built);
      rmSync(work, { recursive: true, force: true });
    });
  }
  await placeUnder(mainRoot, APT_PATH, join(built, "debian"), hash);
  await placeUnder(mainRoot, join(APT_ROGUE_PREFIX, APT_PATH), join(built, "rogue"), hash);
  return hash;
}
