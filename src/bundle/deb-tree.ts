/**
 * An apt repository's part a bundle carries for one Debian or Ubuntu release and architecture: the
 * vendor's signed InRelease and the Packages index it lists (kept byte for byte, so apt on the host
 * checks them against the repo's key: Signed-By), and the .debs the playbook installs with what they
 * depend on from the same repo, each checked against the index's sha256. Laid out as the vendor's
 * tree (`deb/<os>/dists/<codename>/...`, pool paths as Packages names them), so a `file://` source of
 * the unpacked bundle is the same repo, with less in it.
 */
import { gunzipSync } from "node:zlib";
import type { PackageSource, Platform } from "./create.js";
import { debClosure, parsePackages, parseReleaseSha256 } from "./deb-metadata.js";
import { fetchUrl, sha256Hex } from "./fetch.js";
import type { BundleRepo } from "./manifest.js";
import type { TarEntry } from "./tar.js";

export interface DebSource extends PackageSource {
  /** A deb pin: `20.10.24`, or a whole Debian version. */
  readonly pin?: string;
}

/** dpkg's architecture for `uname -m`. */
export const DPKG_ARCH: Readonly<Record<string, string>> = { x86_64: "amd64", aarch64: "arm64" };

/** Where an apt distribution's tree sits in a bundle: `deb/debian`. */
export const debBase = (os: string): string => `deb/${os}`;

const MiB = 1024 ** 2;

/**
 * The files of InRelease's list that apt reads for the `stable` component on `arch`: its
 * binary-<arch>/ index (Packages in each compression, Release) and i18n/ translations.
 *
 * @example indexFor("stable/binary-amd64/Packages.gz", "amd64") === true
 */
export function indexFor(path: string, arch: string): boolean {
  return new RegExp(
    `^stable/(binary-${arch}/(Packages(\\.[a-z0-9]+)?|Release)|i18n/[A-Za-z0-9_-][A-Za-z0-9_.-]*)$`,
  ).test(path);
}

/**
 * @example await debTree(src, { os: "debian", major: 12, codename: "bookworm", arch: "x86_64" }, log)
 */
export async function debTree(
  src: DebSource,
  p: Platform,
  log: (line: string) => void,
): Promise<{ entries: TarEntry[]; repo: BundleRepo }> {
  const arch = DPKG_ARCH[p.arch];
  const os = p.os ?? "debian";
  if (!arch || !p.codename) throw new Error(`no apt architecture or codename for ${os} ${p.major} ${p.arch}`);
  const base = src.baseUrl.replace(/\/+$/, "");
  const dist = `dists/${p.codename}`;
  const inRelease = await fetchUrl(`${base}/${dist}/InRelease`, 16 * MiB);
  const sums = parseReleaseSha256(inRelease.toString("utf8"));
  const into = debBase(os);
  const entries: TarEntry[] = [{ name: `${into}/${dist}/InRelease`, data: inRelease }];
  // Every index file InRelease lists for this architecture and the translations, in every
  // compression (apt picks one by its own order and would fail on one listed but absent), each
  // checked; the Packages index is read from its plain or gzip form.
  let text: string | undefined;
  for (const [path, want] of sums) {
    if (!indexFor(path, arch)) continue;
    const data = await fetchUrl(`${base}/${dist}/${path}`, 512 * MiB);
    if (sha256Hex(data) !== want.sha256 || data.length !== want.size)
      throw new Error(`${base}/${dist}/${path} does not match InRelease's sha256`);
    entries.push({ name: `${into}/${dist}/${path}`, data });
    if (/\/Packages(\.gz)?$/.test(path))
      text ??= (path.endsWith(".gz") ? gunzipSync(data) : data).toString("utf8");
  }
  if (text === undefined)
    throw new Error(`${base}/${dist}/InRelease lists no stable/binary-${arch}/Packages index`);
  const closure = debClosure(parsePackages(text), {
    names: src.names,
    arch,
    ...(src.pin !== undefined ? { pin: src.pin } : {}),
    ...(src.pinned ? { pinned: src.pinned } : {}),
  });
  for (const pkg of closure.packages) {
    const data = await fetchUrl(`${base}/${pkg.filename}`, 4 * 1024 * MiB);
    if (sha256Hex(data) !== pkg.sha256)
      throw new Error(`${base}/${pkg.filename} does not match the Packages index's sha256`);
    log(`fetched ${pkg.name} ${pkg.version} for ${os} ${p.codename} ${arch} (${data.length} bytes)`);
    entries.push({ name: `${into}/${pkg.filename}`, data });
  }
  const repo: BundleRepo = {
    family: "deb",
    os,
    major: p.major,
    arch: p.arch,
    codename: p.codename,
    base: into,
    packages: closure.packages.map((k) => `${k.name}=${k.version}`),
    fromBase: closure.fromBase,
  };
  return { entries, repo };
}
