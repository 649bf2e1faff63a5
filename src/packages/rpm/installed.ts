/**
 * Which asked names the rpm database satisfies, and by which package at which EVR, from ONE
 * `rpm -q --whatprovides` call. A name counts when a package of that name is installed, or when
 * another package `Provides:` it (a vendor docker-ce that provides docker-ce-cli and containerd.io):
 * querying by package name alone would call such a host "missing" on every run.
 */
import { FactError } from "../../errors.js";
import { sh } from "../../transport/quote.js";
import type { Fact } from "../../facts/fact.js";
import type { InstalledPackage } from "../family.js";
import { lines, sortedUnique } from "../../facts/text.js";

export interface RpmPackage extends InstalledPackage {
  readonly version: string;
  readonly release: string;
  /** 0 when the package has no epoch (rpm prints "(none)"). */
  readonly epoch: number;
  /**
   * Set only when no package of the asked name is installed and another package provides it: that
   * package's name. Version, release and epoch are then the provider's.
   */
  readonly providedBy?: string;
}

/** Every asked name is a key; null means nothing installed satisfies it (or no rpm at all). */
export type RpmPackages = Readonly<Record<string, RpmPackage | null>>;

// One line per matching package: its NEVR, then every capability it provides, tab-separated
// (a provide such as "gpg(Some Name <a@b>)" may hold spaces, never a tab).
const QF = "ops-rpm %{NAME} %{EPOCH} %{VERSION} %{RELEASE}[\\t%{PROVIDENAME}]\\n";

/** The fact's name: resources asking for the same set of names share one fact. */
const factName = (names: readonly string[]): string => `rpm-packages:${sortedUnique(names).join(",")}`;

interface Line {
  readonly name: string;
  readonly evr: RpmPackage;
  readonly provides: ReadonlySet<string>;
}

function parseLine(fact: string, line: string): Line {
  const [head = "", ...provides] = line.split("\t");
  const [, name, epoch, version, release, extra] = head.split(" ");
  if (!name || !epoch || !version || !release || extra !== undefined)
    throw new FactError(fact, `malformed rpm line "${line.slice(0, 80)}"`);
  const evr = { version, release, epoch: epoch === "(none)" ? 0 : Number(epoch) };
  return { name, evr, provides: new Set(provides) };
}

/**
 * Parses lines `ops-rpm NAME EPOCH VERSION RELEASE<TAB>PROVIDE...`. A package of the asked name
 * wins over a provider (a version pin is about the real package); among equals the first line wins.
 *
 * @example parseRpmPackages(["docker-ce-cli"], "ops-rpm docker-ce 3 20.10.24 1.el9\tdocker-ce\tdocker-ce-cli\n")
 * // { "docker-ce-cli": { version: "20.10.24", release: "1.el9", epoch: 3, providedBy: "docker-ce" } }
 */
export function parseRpmPackages(names: readonly string[], stdout: string): RpmPackages {
  const found = lines(stdout)
    .filter((l) => l.startsWith("ops-rpm ")) // not "no package provides x", "no-rpm"
    .map((l) => parseLine(factName(names), l));
  const out: Record<string, RpmPackage | null> = {};
  for (const n of names) {
    const own = found.find((l) => l.name === n);
    const other = own ?? found.find((l) => l.provides.has(n));
    out[n] = own ? own.evr : other ? { ...other.evr, providedBy: other.name } : null;
  }
  return out;
}

/**
 * A fact named by its (sorted) names, so resources asking for the same set share it. Names are
 * capabilities: package names, or anything a package provides (`gpg-pubkey` itself is not one).
 *
 * @example facts.get(rpmPackages(["docker-ce"]))["docker-ce"] // { version: "24.0.7", release: "1.el9", epoch: 3 }
 */
export function rpmPackages(names: readonly string[]): Fact<RpmPackages> {
  const sorted = sortedUnique(names);
  if (sorted.length === 0) throw new FactError("rpm-packages", "rpm-packages needs at least one name");
  const name = factName(sorted);
  return {
    name,
    probe: [
      "command -v rpm >/dev/null 2>&1 || { echo no-rpm; exit 0; }",
      // Exit 1 when some name is not satisfied: that is an answer, not a failure.
      `${sh(["rpm", "-q", "--whatprovides", "--qf", QF, "--", ...sorted])} || true`,
    ].join("\n"),
    parse: (stdout) => parseRpmPackages(sorted, stdout),
  };
}
