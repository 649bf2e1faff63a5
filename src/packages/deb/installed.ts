/**
 * Which asked names dpkg's database satisfies, and by which package at which version, from ONE
 * `dpkg-query` call. A name counts when a package of that name is installed, or when an installed
 * package's `Provides:` names it (containerd.io provides containerd and runc; a vendor docker-ce may
 * provide docker-ce-cli): querying by package name alone would call such a host "missing" on every run.
 * A package on hold (`apt-mark hold`) is reported as held, so nothing ops does changes it.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines, sortedUnique } from "../../facts/text.js";
import { quote } from "../../transport/quote.js";
import type { InstalledPackage } from "../family.js";
import { parseVersion, type DebVersion } from "./version.js";

export interface DebPackage extends InstalledPackage, DebVersion {
  /** The upstream version: "24.0.7" (InstalledPackage.version). */
  readonly version: string;
  /** Marked `hold` in dpkg's selections. */
  readonly held: boolean;
  readonly providedBy?: string;
}

export type DebPackages = Readonly<Record<string, DebPackage | null>>;

// Tab-separated, one line per package that matters: its status (want, state, error flags), name,
// version and Provides ("containerd, runc", "foo (= 1.2)"). dpkg-query lists every package it knows;
// awk on the host keeps only those named or providing an asked name, so the answer stays small.
const FORMAT = "ops-deb\\t${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Provides}\\n";
const FILTER = [
  'BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }',
  "$3 in want { print; next }",
  '{ m = split($5, p, ","); for (i = 1; i <= m; i++) { c = p[i]; sub(/^ +/, "", c); sub(/ .*/, "", c); if (c in want) { print; next } } }',
].join("\n");

const factName = (names: readonly string[]): string => `dpkg-packages:${sortedUnique(names).join(",")}`;

interface Line {
  readonly name: string;
  readonly package: DebPackage;
  readonly provides: ReadonlySet<string>;
}

function parseLine(fact: string, line: string): Line | undefined {
  const fields = line.split("\t");
  const [, status = "", name = "", version = "", provides = ""] = fields;
  if (fields.length !== 5 || !/^[a-z][a-zA-Z ][ R]?$/.test(status.padEnd(3).slice(0, 3)) || name === "")
    throw new FactError(fact, `malformed dpkg-query line "${line.slice(0, 80)}"`);
  // Only "installed" counts; unpacked, half-configured or config-files-only packages do not.
  if (status[1] !== "i") return undefined;
  let v: DebVersion;
  try {
    v = parseVersion(version);
  } catch {
    throw new FactError(fact, `dpkg-query printed version "${version.slice(0, 80)}" for ${name}`);
  }
  const capabilities = provides
    .split(",")
    .map((p) => p.trim().split(" ")[0] ?? "")
    .filter((p) => p !== "");
  return {
    name,
    package: { ...v, version: v.upstream, held: status[0] === "h" },
    provides: new Set(capabilities),
  };
}

/**
 * Parses the probe's lines. A package of the asked name wins over a provider (a pin is about the real
 * package); among equals the first line wins.
 *
 * @example parseDebPackages(["runc"], "ops-deb\tii \tcontainerd.io\t1.6.20-1\tcontainerd, runc\n")
 * // { runc: { epoch: 0, upstream: "1.6.20", revision: "1", version: "1.6.20", held: false, providedBy: "containerd.io" } }
 */
export function parseDebPackages(names: readonly string[], stdout: string): DebPackages {
  const fact = factName(names);
  const found = lines(stdout)
    .filter((l) => l.startsWith("ops-deb\t"))
    .map((l) => parseLine(fact, l))
    .filter((l): l is Line => l !== undefined);
  const out: Record<string, DebPackage | null> = {};
  for (const n of names) {
    const own = found.find((l) => l.name === n);
    const other = own ?? found.find((l) => l.provides.has(n));
    out[n] = own ? own.package : other ? { ...other.package, providedBy: other.name } : null;
  }
  return out;
}

/** A fact named by its sorted names, so resources asking for the same set share it. */
export function debPackages(names: readonly string[]): Fact<DebPackages> {
  const sorted = sortedUnique(names);
  if (sorted.length === 0) throw new FactError("dpkg-packages", "dpkg-packages needs at least one name");
  for (const n of sorted)
    if (!/^[a-z0-9][a-z0-9.+-]*$/.test(n))
      throw new FactError("dpkg-packages", `"${n}" is not a package name`);
  return {
    name: factName(sorted),
    probe: [
      "command -v dpkg-query >/dev/null 2>&1 || { echo no-dpkg; exit 0; }",
      // Not a pipe: a dpkg-query that fails must fail the probe, not hand awk an empty list.
      `all=$(dpkg-query -W -f=${quote(FORMAT)}) || exit 1`,
      `printf '%s\\n' "$all" | awk -F '\\t' -v names=${quote(sorted.join(" "))} ${quote(FILTER)}`,
    ].join("\n"),
    parse: (stdout) => parseDebPackages(sorted, stdout),
  };
}
