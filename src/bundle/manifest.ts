/**
 * manifest.json, the first entry of every bundle: what it holds (repos per OS and architecture,
 * images, the signing key) and the sha256 and size of every other entry. A bundle is accepted only
 * when its entries are exactly the manifest's files with exactly those digests. Pure.
 */
import { isSafeEntryName } from "./tar.js";

export const BUNDLE_FORMAT = "ops-bundle/1";
export const MANIFEST_NAME = "manifest.json";

export interface BundleFile {
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface BundleRepo {
  readonly family: "rpm" | "deb";
  /**
   * The vendor's name for the tree (`centos`: Docker's one tree for every EL; `debian`, `ubuntu`),
   * major version, `uname -m`.
   */
  readonly os: string;
  readonly major: number;
  readonly arch: string;
  /** deb: the release's codename (`bookworm`), its `dists/` directory. */
  readonly codename?: string;
  /** The tree's base inside the bundle: `rpm/centos` (holding `<major>/<arch>/stable`), `deb/debian`. */
  readonly base: string;
  /** rpm: name-epoch:version-release; deb: name=version, of every package it holds. */
  readonly packages: readonly string[];
  /** Requirements the base system must provide (the repo provides none of them). */
  readonly fromBase: readonly string[];
}

export interface BundleImage {
  /** As the playbook names it (`registry:2.8.2`): `docker load` tags it so. */
  readonly ref: string;
  readonly arch: string;
  /** The docker-archive inside the bundle. */
  readonly path: string;
  /** The image id after loading (the config's digest). */
  readonly id: string;
  readonly manifestDigest: string;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly created: string;
  readonly playbooks: readonly string[];
  /** The repos' signing key inside the bundle, and its fingerprint (checked when it was fetched). */
  readonly key?: { readonly path: string; readonly fingerprint: string };
  readonly repos: readonly BundleRepo[];
  readonly images: readonly BundleImage[];
  readonly files: readonly BundleFile[];
}

const HEX64 = /^[0-9a-f]{64}$/;

export class ManifestError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses and checks manifest.json: the format, every file's path, digest and size, and that what it
 * names (key, repos, images) is among its files. Throws ManifestError naming the dot-path.
 */
export function parseManifest(text: string): BundleManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(`manifest.json is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(doc)) throw new ManifestError("manifest.json is not an object");
  if (doc.format !== BUNDLE_FORMAT)
    throw new ManifestError(
      `manifest.json: format is ${JSON.stringify(doc.format)}, expected "${BUNDLE_FORMAT}"`,
    );
  if (!Array.isArray(doc.files)) throw new ManifestError("manifest.json: files is not a list");
  const seen = new Set<string>();
  doc.files.forEach((f, i) => {
    const at = `manifest.json: files[${i}]`;
    if (!isObject(f)) throw new ManifestError(`${at} is not an object`);
    if (typeof f.path !== "string" || !isSafeEntryName(f.path) || f.path === MANIFEST_NAME)
      throw new ManifestError(`${at}.path is not a safe relative path`);
    if (seen.has(f.path)) throw new ManifestError(`${at}.path ${f.path} is listed twice`);
    seen.add(f.path);
    if (typeof f.sha256 !== "string" || !HEX64.test(f.sha256))
      throw new ManifestError(`${at}.sha256 is not 64 hex digits`);
    if (typeof f.size !== "number" || !Number.isSafeInteger(f.size) || f.size < 0)
      throw new ManifestError(`${at}.size is not a byte count`);
  });
  const listed = (path: unknown, at: string): void => {
    if (typeof path !== "string" || !seen.has(path))
      throw new ManifestError(`${at} names a file the manifest does not list`);
  };
  if (doc.key !== undefined) {
    if (!isObject(doc.key) || typeof doc.key.fingerprint !== "string")
      throw new ManifestError("manifest.json: key is not { path, fingerprint }");
    listed(doc.key.path, "manifest.json: key.path");
  }
  if (!Array.isArray(doc.repos) || !Array.isArray(doc.images) || !Array.isArray(doc.playbooks))
    throw new ManifestError("manifest.json: repos, images and playbooks must be lists");
  doc.repos.forEach((r, i) => {
    const at = `manifest.json: repos[${i}]`;
    if (
      !isObject(r) ||
      (r.family !== "rpm" && r.family !== "deb") ||
      typeof r.os !== "string" ||
      !/^[a-z0-9._-]+$/.test(r.os)
    )
      throw new ManifestError(`${at} is not an rpm or deb repo`);
    if (r.family === "deb" && (typeof r.codename !== "string" || !/^[a-z0-9]+$/.test(r.codename)))
      throw new ManifestError(`${at}.codename is not a release codename`);
    if (!Number.isSafeInteger(r.major) || typeof r.arch !== "string" || !/^[a-z0-9_]+$/.test(r.arch))
      throw new ManifestError(`${at}: major or arch is wrong`);
    if (typeof r.base !== "string" || !isSafeEntryName(r.base))
      throw new ManifestError(`${at}.base is not a safe path`);
  });
  doc.images.forEach((im, i) => {
    const at = `manifest.json: images[${i}]`;
    if (
      !isObject(im) ||
      typeof im.ref !== "string" ||
      typeof im.id !== "string" ||
      !/^sha256:[0-9a-f]{64}$/.test(im.id)
    )
      throw new ManifestError(`${at} is not { ref, id, path }`);
    listed(im.path, `${at}.path`);
  });
  return doc as unknown as BundleManifest;
}

/**
 * The repo of a bundle for one host: by family, major version and architecture (one rpm tree serves
 * every EL); an apt host's by its distribution too.
 *
 * @example repoFor(manifest, { family: "deb", os: "debian", major: 12, arch: "x86_64" })?.codename // "bookworm"
 */
export function repoFor(
  m: BundleManifest,
  host: { family: string; os: string; major: number; arch: string },
): BundleRepo | undefined {
  return m.repos.find(
    (r) =>
      r.family === host.family &&
      r.major === host.major &&
      r.arch === host.arch &&
      (r.family === "rpm" || r.os === host.os),
  );
}

/** What a person reads for a repo: "el9 x86_64", "debian 12 (bookworm) x86_64". */
export const repoText = (r: BundleRepo): string =>
  r.family === "rpm" ? `el${r.major} ${r.arch}` : `${r.os} ${r.major} (${r.codename ?? ""}) ${r.arch}`;
