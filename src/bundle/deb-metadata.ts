/**
 * An apt repository as a bundle needs it: the SHA256 list of a Release file (to check the Packages
 * index it names), the stanzas of Packages, and which .debs a bundle must carry: the packages a
 * playbook installs (at the pin, else the newest, as apt would choose) and, transitively, whatever
 * they depend on or recommend that the same repo has (apt-get installs Recommends by default, and
 * would fail on one the index lists whose .deb the bundle lacks). A dependency no package of the repo satisfies is the base
 * system's: it is listed. The vendor's signed Release and its Packages are kept byte for byte, so apt
 * on the host checks them against the repo's key. Pure.
 */
import {
  compareVersions,
  parsePin,
  parseVersion,
  type DebPin,
  type DebVersion,
} from "../packages/deb/version.js";
import { closeOver, type Need } from "./closure.js";
import { isSafeEntryName } from "./tar.js";

export class DebMetadataError extends Error {}

export interface DebPackage {
  readonly name: string;
  /** As Packages writes it: "5:20.10.24-1~debian.12~bookworm". */
  readonly version: string;
  readonly arch: string;
  /** Relative to the repo's base: dists/bookworm/pool/stable/amd64/docker-ce_...deb. */
  readonly filename: string;
  readonly sha256: string;
  readonly size: number;
  /** Depends and Pre-Depends: each group's alternatives. */
  readonly depends: readonly (readonly DebDep[])[];
  /** Recommends: apt installs them too (by default) when a source has them. */
  readonly recommends: readonly (readonly DebDep[])[];
  readonly provides: readonly DebDep[];
}

export interface DebDep {
  readonly name: string;
  readonly op?: "<<" | "<=" | "=" | ">=" | ">>";
  readonly version?: string;
}

/** `path -> { sha256, size }` of a Release file's SHA256 section. */
export function parseReleaseSha256(text: string): Map<string, { sha256: string; size: number }> {
  const out = new Map<string, { sha256: string; size: number }>();
  let inSection = false;
  for (const line of text.split("\n")) {
    if (/^\S/.test(line)) inSection = line.trim() === "SHA256:";
    else if (inSection) {
      const m = /^\s+([0-9a-f]{64})\s+(\d{1,15})\s+(\S+)$/.exec(line);
      if (m?.[1] && m[2] && m[3]) out.set(m[3], { sha256: m[1], size: Number(m[2]) });
    }
  }
  if (out.size === 0) throw new DebMetadataError("Release has no SHA256 section");
  return out;
}

const DEP =
  /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|=|>=|>>)\s*([^)\s]+)\s*\))?(?:\s*\[[^\]]*\])?$/;

function parseDeps(field: string | undefined, at: string): DebDep[][] {
  if (!field?.trim()) return [];
  return field.split(",").map((group) =>
    group.split("|").map((alt) => {
      const m = DEP.exec(alt.trim());
      if (!m?.[1]) throw new DebMetadataError(`${at}: "${alt.trim().slice(0, 80)}" is not a dependency`);
      return { name: m[1], ...(m[2] && m[3] ? { op: m[2] as DebDep["op"], version: m[3] } : {}) };
    }),
  );
}

/** Parses a Packages index; throws DebMetadataError naming the stanza. */
export function parsePackages(text: string): DebPackage[] {
  const stanzas = text.split(/\n\s*\n/).filter((s) => s.trim() !== "");
  return stanzas.map((stanza, i) => {
    const fields = new Map<string, string>();
    let last = "";
    for (const line of stanza.split("\n")) {
      if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last) ?? ""}\n${line}`);
      else {
        const colon = line.indexOf(":");
        if (colon < 1) continue;
        last = line.slice(0, colon);
        fields.set(last, line.slice(colon + 1).trim());
      }
    }
    const at = `Packages stanza ${i + 1}`;
    const need = (k: string): string => {
      const v = fields.get(k);
      if (!v) throw new DebMetadataError(`${at} has no ${k}`);
      return v;
    };
    const filename = need("Filename");
    if (!isSafeEntryName(filename))
      throw new DebMetadataError(`${at}: Filename ${filename.slice(0, 80)} leaves the repo`);
    const sha256 = need("SHA256");
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new DebMetadataError(`${at}: SHA256 is not 64 hex digits`);
    const size = need("Size");
    if (!/^\d{1,15}$/.test(size)) throw new DebMetadataError(`${at}: Size is not a byte count`);
    const version = need("Version");
    try {
      parseVersion(version);
    } catch (err) {
      throw new DebMetadataError(`${at}: ${err instanceof Error ? err.message : String(err)}`);
    }
    return {
      name: need("Package"),
      version,
      arch: need("Architecture"),
      filename,
      sha256,
      size: Number(size),
      depends: [...parseDeps(fields.get("Pre-Depends"), at), ...parseDeps(fields.get("Depends"), at)],
      recommends: parseDeps(fields.get("Recommends"), at),
      provides: parseDeps(fields.get("Provides"), at).flat(),
    };
  });
}

function cmp(a: string, b: string): number {
  return compareVersions(parseVersion(a), parseVersion(b));
}

function meets(version: string | undefined, dep: DebDep): boolean {
  if (!dep.op || dep.version === undefined) return true;
  if (version === undefined) return false;
  const c = cmp(version, dep.version);
  return { "<<": c < 0, "<=": c <= 0, "=": c === 0, ">=": c >= 0, ">>": c > 0 }[dep.op];
}

const satisfies = (p: DebPackage, dep: DebDep): boolean =>
  (p.name === dep.name && meets(p.version, dep)) ||
  p.provides.some((pr) => pr.name === dep.name && meets(pr.version, dep));

/** A pin matches a version when every field it gives is equal (as the deb family pins). */
function pinMatches(v: DebVersion, pin: DebPin): boolean {
  return (
    (pin.epoch === undefined || pin.epoch === v.epoch) &&
    pin.upstream === v.upstream &&
    (pin.revision === undefined || pin.revision === v.revision)
  );
}

export interface DebClosureRequest {
  readonly names: readonly string[];
  /** A deb pin (`20.10.24` or a whole version), applied to `pinned` names. */
  readonly pin?: string;
  readonly pinned?: readonly string[];
  /** dpkg's architecture: amd64, arm64. */
  readonly arch: string;
}

/**
 * @example debClosure(parsePackages(text), { names: ["docker-ce"], arch: "amd64" }).packages.map((p) => p.name)
 */
export function debClosure(
  repo: readonly DebPackage[],
  req: DebClosureRequest,
): { packages: DebPackage[]; fromBase: string[] } {
  const usable = repo.filter((p) => p.arch === req.arch || p.arch === "all");
  const newestFirst = (a: DebPackage, b: DebPackage) => cmp(b.version, a.version);
  const pin = req.pin !== undefined ? parsePin(req.pin) : undefined;
  const pinned = req.pinned ?? req.names;
  const chosen = new Map<string, DebPackage>();
  for (const name of req.names) {
    const p = pin && pinned.includes(name) ? pin : undefined;
    const best = usable
      .filter((c) => c.name === name && (!p || pinMatches(parseVersion(c.version), p)))
      .sort(newestFirst)[0];
    if (!best)
      throw new DebMetadataError(
        `the repository has no ${name}${p ? ` ${req.pin ?? ""}` : ""} for ${req.arch}`,
      );
    chosen.set(name, best);
  }
  // Alternatives in the order the package lists them (apt takes the first it can), a Recommends the
  // repo cannot satisfy dropped as apt drops it.
  const needs = (groups: readonly (readonly DebDep[])[], hard: boolean): Need<DebPackage>[] =>
    groups.map((group) => ({
      label: group.map((d) => d.name).join(" | "),
      hard,
      met: (c) => group.some((d) => satisfies(c, d)),
      candidates: () => group.flatMap((d) => usable.filter((c) => satisfies(c, d)).sort(newestFirst)),
    }));
  return closeOver([...chosen.values()], (p) => [...needs(p.depends, true), ...needs(p.recommends, false)]);
}
