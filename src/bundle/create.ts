/**
 * Builds a bundle on a connected machine: for each (major, arch) of the hosts, the RPMs the
 * playbooks install and what they need from the same repo, each checked against the repo's
 * published sha256, under fresh metadata listing exactly them; the repo's signing key, checked
 * against the pinned fingerprint; the images, each checked against its digests; and manifest.json
 * with every file's sha256 and size, signed by the control machine's key (manifest.sig). Written to `<out>.part` and renamed: never half written.
 *
 * The entries are held in memory while the manifest is computed (it comes first in the tar): a
 * bundle of a few hundred MB is fine on any control machine.
 */
import { createHash, type KeyObject } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import type { Endpoint } from "../registry/http.js";
import { keyIdentity, normalizeFingerprint } from "../resources/openpgp.js";
import type { Evr } from "../packages/rpm/version.js";
import { debTree, type DebSource } from "./deb-tree.js";
import { fetchUrl, sha256Hex as hex } from "./fetch.js";
import { parseImageRef } from "./image-ref.js";
import { pullImage } from "./image-pull.js";
import {
  BUNDLE_FORMAT,
  MANIFEST_NAME,
  type BundleImage,
  type BundleManifest,
  type BundleRepo,
} from "./manifest.js";
import { rpmClosure } from "./rpm-closure.js";
import { SIGNATURE_NAME, signManifest } from "./signature.js";
import { writeTar, type TarEntry } from "./tar.js";
import { parsePrimary, parseRepomd, renderRepo } from "./yum-metadata.js";

export interface Platform {
  /** os-release ID: Docker's rpm tree serves every EL (`centos`, the default); `debian`, `ubuntu` are apt hosts. */
  readonly os?: string;
  readonly major: number;
  /** `uname -m`: x86_64, aarch64. */
  readonly arch: string;
  /** apt hosts: the release's codename (`bookworm`). */
  readonly codename?: string;
}

/** Where one family's packages come from, and which. */
export interface PackageSource {
  /** One tree of Docker's: `<root>/linux/centos` (`<major>/<arch>/stable`), `<root>/linux/debian` (`dists/<codename>`). */
  readonly baseUrl: string;
  readonly gpgKeyUrl: string;
  /** The key's pinned fingerprint. */
  readonly fingerprint: string;
  readonly names: readonly string[];
  /** The names the pin applies to (default: every name). */
  readonly pinned?: readonly string[];
}

export interface RpmSource extends PackageSource {
  readonly pin?: Evr;
}

export interface ImageSource {
  /** What is pulled, as the playbooks name it. */
  readonly ref: string;
  readonly endpoint: Endpoint;
  /**
   * The name it is loaded as and listed under in the manifest, when not `ref` (the images
   * playbook's `ref`, pulled `from` another reference).
   */
  readonly as?: string;
}

export interface CreateRequest {
  readonly playbooks: readonly string[];
  readonly platforms: readonly Platform[];
  readonly rpm?: RpmSource;
  readonly deb?: DebSource;
  readonly images: readonly ImageSource[];
  readonly out: string;
  readonly now: Date;
  /** The control machine's ed25519 key (signing-keys.ts): it signs manifest.json. */
  readonly signingKey: KeyObject;
  /** Progress lines for a person ("fetched docker-ce 20.10.24 (28.7 MB)"). */
  readonly log?: (line: string) => void;
}

export interface CreateResult {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly manifest: BundleManifest;
}

/** Where the rpm trees sit in a bundle: Docker's `linux/centos` layout under `rpm/centos`. */
export const RPM_BASE = "rpm/centos";
export const KEY_PATH = `${RPM_BASE}/gpg`;

async function rpmTree(src: RpmSource, p: Platform, now: Date, log: (l: string) => void) {
  const stable = `${src.baseUrl.replace(/\/+$/, "")}/${p.major}/${p.arch}/stable`;
  const repomd = parseRepomd(
    (await fetchUrl(`${stable}/repodata/repomd.xml`, 16 * 1024 ** 2)).toString("utf8"),
  );
  const gz = await fetchUrl(`${stable}/${repomd.location}`, 512 * 1024 ** 2);
  if (hex(gz) !== repomd.sha256)
    throw new Error(`${stable}: primary metadata does not match repomd.xml's sha256`);
  const closure = rpmClosure(parsePrimary(gunzipSync(gz).toString("utf8")), {
    names: src.names,
    arch: p.arch,
    ...(src.pin ? { pin: src.pin } : {}),
    ...(src.pinned ? { pinned: src.pinned } : {}),
  });
  const dir = `${RPM_BASE}/${p.major}/${p.arch}/stable`;
  const entries: TarEntry[] = [];
  for (const pkg of closure.packages) {
    const data = await fetchUrl(`${stable}/${pkg.location}`, 4 * 1024 ** 3);
    if (hex(data) !== pkg.sha256)
      throw new Error(`${stable}/${pkg.location} does not match the repo's sha256`);
    log(
      `fetched ${pkg.name} ${pkg.version}-${pkg.release} for el${p.major} ${p.arch} (${data.length} bytes)`,
    );
    entries.push({ name: `${dir}/${pkg.location}`, data });
  }
  const files = renderRepo(closure.packages, Math.floor(now.getTime() / 1000));
  entries.push({ name: `${dir}/${files.primaryPath}`, data: files.primary });
  entries.push({ name: `${dir}/repodata/repomd.xml`, data: Buffer.from(files.repomd) });
  const repo: BundleRepo = {
    family: "rpm",
    os: "centos",
    major: p.major,
    arch: p.arch,
    base: RPM_BASE,
    packages: closure.packages.map((k) => `${k.name}-${k.epoch}:${k.version}-${k.release}.${k.arch}`),
    fromBase: closure.fromBase,
  };
  return { entries, repo };
}

/**
 * @example await createBundle({ playbooks: ["install-engine"], platforms: [{ major: 9, arch: "x86_64" }], rpm, images: [], out: "site.bundle.tar", now: new Date() })
 */
export async function createBundle(req: CreateRequest): Promise<CreateResult> {
  const log = req.log ?? (() => undefined);
  const entries: TarEntry[] = [];
  const repos: BundleRepo[] = [];
  const images: BundleImage[] = [];
  let key: BundleManifest["key"];
  const src = req.rpm ?? req.deb;
  if (src) {
    // One key for both families, as Docker signs both trees with one (checked against the pin).
    const armored = await fetchUrl(src.gpgKeyUrl, 1024 ** 2);
    const want = normalizeFingerprint(src.fingerprint);
    const got = keyIdentity(armored).fingerprint;
    if (got !== want) throw new Error(`the key at ${src.gpgKeyUrl} is ${got}, expected ${want}`);
    if (req.deb && req.rpm && normalizeFingerprint(req.deb.fingerprint) !== want)
      throw new Error(
        "the rpm and apt repositories are pinned to different keys: make one bundle per family",
      );
    entries.push({ name: KEY_PATH, data: armored });
    key = { path: KEY_PATH, fingerprint: want };
  }
  for (const p of req.platforms) {
    const apt = p.codename !== undefined;
    const tree = apt
      ? req.deb && (await debTree(req.deb, p, log))
      : req.rpm && (await rpmTree(req.rpm, p, req.now, log));
    if (!tree) continue;
    entries.push(...tree.entries);
    repos.push(tree.repo);
  }
  const arches = [...new Set(req.platforms.map((p) => p.arch))].sort();
  for (const src of req.images) {
    const pulledRef = parseImageRef(src.ref);
    // docker load tags the image with the archive's RepoTags: the name the hosts use.
    const ref = src.as === undefined ? pulledRef : { ...pulledRef, tagged: src.as };
    for (const arch of arches) {
      const pulled = await pullImage(ref, { endpoint: src.endpoint, arch });
      // Two names may flatten alike (`busybox` for verify and `busybox:latest` for the images
      // playbook, `a/b` and `a_b`): each keeps its own file.
      const flat = `images/${arch}/${ref.tagged.replace(/[^A-Za-z0-9._-]+/g, "_")}`;
      const taken = (p: string) => entries.some((e) => e.name === p);
      let path = `${flat}.tar`;
      for (let n = 2; taken(path); n++) path = `${flat}-${n}.tar`;
      log(`fetched image ${src.ref} for ${arch} (${pulled.archive.length} bytes)`);
      entries.push({ name: path, data: pulled.archive });
      images.push({
        ref: src.as ?? src.ref,
        arch,
        path,
        id: pulled.configDigest,
        manifestDigest: pulled.manifestDigest,
      });
    }
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    created: req.now.toISOString(),
    playbooks: [...req.playbooks],
    ...(key ? { key } : {}),
    repos,
    images,
    files: entries.map((e) => ({ path: e.name, sha256: hex(e.data), size: e.data.length })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const all = [
    { name: MANIFEST_NAME, data: manifestBytes },
    { name: SIGNATURE_NAME, data: signManifest(manifestBytes, req.signingKey) },
    ...entries,
  ];
  const part = `${req.out}.part`;
  const whole = createHash("sha256");
  let size = 0;
  const out = createWriteStream(part, { mode: 0o644 });
  const counted = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      whole.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await Promise.all([writeTar(all, counted), pipeline(counted, out)]);
    await rename(part, req.out);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  return { path: req.out, size, sha256: whole.digest("hex"), manifest };
}
