/**
 * A yum repository's metadata as createrepo_c writes it: repomd.xml names primary.xml.gz, and
 * primary.xml holds one `<package>` per RPM (name, EVR, checksum, location, provides, requires).
 * Pure: text in, data out. A bundle keeps each chosen package's `<package>` element byte for byte
 * and writes a new primary.xml and repomd.xml around them, so dnf on the host reads exactly what the
 * vendor published for those packages and nothing the bundle does not hold.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { XMLParser } from "fast-xml-parser";

export interface RpmDep {
  readonly name: string;
  /** EQ, LT, LE, GT, GE; absent for an unversioned dependency. */
  readonly flags?: string;
  readonly epoch?: number;
  readonly version?: string;
  readonly release?: string;
}

export interface RepoPackage {
  readonly name: string;
  readonly arch: string;
  readonly epoch: number;
  readonly version: string;
  readonly release: string;
  /** Relative to the repo root, e.g. `Packages/docker-ce-24.0.7-1.el9.x86_64.rpm`. */
  readonly location: string;
  readonly sha256: string;
  readonly size: number;
  readonly provides: readonly RpmDep[];
  readonly requires: readonly RpmDep[];
  /** The `<package>` element exactly as the repo published it. */
  readonly xml: string;
}

export class MetadataError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  removeNSPrefix: true,
  isArray: (name) => ["data", "entry", "package"].includes(name),
  // Entities beyond XML's own five are refused: nothing a repo sends expands.
  processEntities: true,
  htmlEntities: false,
});

type Node = Record<string, unknown>;
const node = (v: unknown): Node => (typeof v === "object" && v !== null ? (v as Node) : {});
const text = (v: unknown): string =>
  typeof v === "string" || typeof v === "number"
    ? String(v)
    : typeof v === "object"
      ? String(node(v)["#text"] ?? "")
      : "";

const HEX64 = /^[0-9a-f]{64}$/;
// A location must stay inside the repo: relative, no `..`, no odd characters.
const SAFE_LOCATION = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._+~^/-]+\.rpm$/;

/** Where primary.xml.gz is and its checksum, from repomd.xml. */
export function parseRepomd(xml: string): { location: string; sha256: string } {
  const doc = node(parser.parse(xml));
  const data = (node(doc.repomd).data as unknown[] | undefined) ?? [];
  const primary = data.map(node).find((d) => d.type === "primary");
  if (!primary) throw new MetadataError("repomd.xml names no primary metadata");
  const checksum = node(primary.checksum);
  const sha256 = text(checksum).trim();
  if (checksum.type !== "sha256" || !HEX64.test(sha256))
    throw new MetadataError("repomd.xml: primary's checksum is not a sha256");
  const location = String(node(primary.location).href ?? "");
  if (!/^[A-Za-z0-9._/-]+\.xml\.gz$/.test(location) || location.includes(".."))
    throw new MetadataError(
      `repomd.xml: primary's location "${location.slice(0, 80)}" is not a repodata file`,
    );
  return { location, sha256 };
}

function deps(v: unknown): RpmDep[] {
  const entries = (node(v).entry as unknown[] | undefined) ?? [];
  return entries.map(node).map((e) => ({
    name: String(e.name ?? ""),
    ...(e.flags !== undefined ? { flags: String(e.flags) } : {}),
    ...(e.epoch !== undefined ? { epoch: Number(e.epoch) } : {}),
    ...(e.ver !== undefined ? { version: String(e.ver) } : {}),
    ...(e.rel !== undefined ? { release: String(e.rel) } : {}),
  }));
}

/** Every `<package type="rpm">` of primary.xml, each with its own XML kept verbatim. */
export function parsePrimary(xml: string): RepoPackage[] {
  if (!/<metadata[\s>]/.test(xml)) throw new MetadataError("primary.xml has no <metadata> element");
  const chunks = xml.match(/<package type="rpm">[\s\S]*?<\/package>/g) ?? [];
  return chunks.map((chunk, i) => {
    const p = node((node(parser.parse(chunk)).package as unknown[] | undefined)?.[0]);
    const version = node(p.version);
    const checksum = node(p.checksum);
    const fmt = node(p.format);
    const location = String(node(p.location).href ?? "");
    const pkg: RepoPackage = {
      name: text(p.name),
      arch: text(p.arch),
      epoch: Number(version.epoch ?? 0),
      version: String(version.ver ?? ""),
      release: String(version.rel ?? ""),
      location,
      sha256: text(checksum).trim(),
      size: Number(node(p.size).package ?? NaN),
      provides: deps(fmt.provides),
      requires: deps(fmt.requires),
      xml: chunk,
    };
    const where = `primary.xml package ${i + 1} (${pkg.name || "no name"})`;
    if (!/^[A-Za-z0-9._+-]+$/.test(pkg.name)) throw new MetadataError(`${where}: bad name`);
    if (checksum.type !== "sha256" || !HEX64.test(pkg.sha256))
      throw new MetadataError(`${where}: the checksum is not a sha256`);
    if (!SAFE_LOCATION.test(location))
      throw new MetadataError(`${where}: bad location "${location.slice(0, 80)}"`);
    if (!Number.isSafeInteger(pkg.size) || pkg.size < 0) throw new MetadataError(`${where}: bad size`);
    if (!Number.isSafeInteger(pkg.epoch) || pkg.epoch < 0 || !pkg.version || !pkg.release)
      throw new MetadataError(`${where}: bad version`);
    return pkg;
  });
}

export interface RepoFiles {
  /** `repodata/<sha>-primary.xml.gz` and its bytes. */
  readonly primaryPath: string;
  readonly primary: Buffer;
  readonly repomd: string;
}

const sha256 = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

/**
 * primary.xml holding exactly `packages`, and a repomd.xml naming it (no filelists or other: dnf
 * reads file provides from primary, which keeps the common paths such as /usr/bin).
 *
 * @param revision repomd's revision (seconds); fixed by the caller so a bundle is reproducible.
 */
export function renderRepo(packages: readonly RepoPackage[], revision: number): RepoFiles {
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${packages.length}">`,
    ...packages.map((p) => p.xml),
    "</metadata>",
    "",
  ].join("\n");
  // mtime 0 in the gzip header: the same packages give the same bytes.
  const primary = gzipSync(Buffer.from(xml));
  const primaryPath = `repodata/${sha256(primary)}-primary.xml.gz`;
  const repomd = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">',
    `  <revision>${revision}</revision>`,
    '  <data type="primary">',
    `    <checksum type="sha256">${sha256(primary)}</checksum>`,
    `    <open-checksum type="sha256">${sha256(xml)}</open-checksum>`,
    `    <location href="${primaryPath}"/>`,
    `    <timestamp>${revision}</timestamp>`,
    `    <size>${primary.length}</size>`,
    `    <open-size>${Buffer.byteLength(xml)}</open-size>`,
    "  </data>",
    "</repomd>",
    "",
  ].join("\n");
  return { primaryPath, primary, repomd };
}
