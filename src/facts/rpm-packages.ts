/** Installed versions of named rpm packages, from one `rpm -q --qf` call. */
import { FactError } from "../errors.js";
import { sh } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { lines, sortedUnique } from "./text.js";

export interface RpmPackage {
  readonly version: string;
  readonly release: string;
  /** 0 when the package has no epoch (rpm prints "(none)"). */
  readonly epoch: number;
}

/** Every asked name is a key; null means not installed (or no rpm at all). */
export type RpmPackages = Readonly<Record<string, RpmPackage | null>>;

const QF = "ops-rpm %{NAME} %{EPOCH} %{VERSION} %{RELEASE}\\n";

/** Parses lines `ops-rpm NAME EPOCH VERSION RELEASE`; the first line per name wins. */
export function parseRpmPackages(names: readonly string[], stdout: string): RpmPackages {
  const out: Record<string, RpmPackage | null> = Object.fromEntries(names.map((n) => [n, null]));
  for (const line of lines(stdout)) {
    if (!line.startsWith("ops-rpm ")) continue; // "package x is not installed", "no-rpm"
    const [, name, epoch, version, release] = line.split(" ");
    if (!name || !epoch || !version || !release) throw new Error(`malformed rpm line "${line}"`);
    if (!(name in out) || out[name] !== null) continue;
    out[name] = { version, release, epoch: epoch === "(none)" ? 0 : Number(epoch) };
  }
  return out;
}

/**
 * A fact named by its (sorted) package names, so two resources asking for the same set share it.
 *
 * @example facts.get(rpmPackages(["docker-ce"]))["docker-ce"] // { version: "24.0.7", release: "1.el9", epoch: 3 }
 */
export function rpmPackages(names: readonly string[]): Fact<RpmPackages> {
  const sorted = sortedUnique(names);
  if (sorted.length === 0) throw new FactError("rpm-packages", "rpm-packages needs at least one name");
  const name = `rpm-packages:${sorted.join(",")}`;
  return {
    name,
    probe: [
      "command -v rpm >/dev/null 2>&1 || { echo no-rpm; exit 0; }",
      `${sh(["rpm", "-q", "--qf", QF, "--", ...sorted])} || true`,
    ].join("\n"),
    parse: (stdout) => parseRpmPackages(sorted, stdout),
  };
}
