/**
 * What a playbook knows about a host when it lists its resources: the distribution, the machine and
 * the package family. Read in the first stage of the host's one command (see run/host-pipeline.ts),
 * so a playbook can choose its resources by family without a second round trip.
 */
import { commandsPresent } from "../facts/commands-present.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { kernel } from "../facts/kernel.js";
import { osRelease, type OsRelease } from "../facts/os-release.js";
import { FAMILIES, MANAGER_COMMANDS } from "./index.js";

export interface PackageSystem {
  /** The package family: "rpm", "deb" (src/packages/<family>/). */
  readonly family: string;
  /** The manager command the family runs on this host: "dnf", "yum", "apt-get". */
  readonly manager: string;
}

export interface HostFacts {
  readonly os: OsRelease;
  /** `uname -m`: "x86_64", "aarch64". */
  readonly arch: string;
  /** null when the host has no package manager ops knows. */
  readonly packages: PackageSystem | null;
}

const managers = commandsPresent(MANAGER_COMMANDS);

/** The facts HostFacts is read from: one small batch, before the host's work is built. */
export const HOST_FACT_PROBES: readonly Fact<unknown>[] = [osRelease, kernel, managers];

/**
 * The family of the host's distribution when its manager is there (a Debian host with yum installed
 * is still apt's), else the first family whose manager the host has.
 */
export function packageSystemOf(os: OsRelease, present: readonly string[]): PackageSystem | null {
  const usable = (f: (typeof FAMILIES)[number]): string | undefined =>
    f.managers.find((m) => present.includes(m));
  const own = FAMILIES.find((f) => f.osFamilies.includes(os.family) && usable(f) !== undefined);
  const chosen = own ?? FAMILIES.find((f) => usable(f) !== undefined);
  const manager = chosen && usable(chosen);
  return chosen && manager ? { family: chosen.name, manager } : null;
}

/** Reads HostFacts from the first stage's facts; throws the FactError of a fact that could not be read. */
export function readHostFacts(set: FactSet): HostFacts {
  const os = set.get(osRelease);
  return { os, arch: set.get(kernel).arch, packages: packageSystemOf(os, set.get(managers)) };
}

const el9: OsRelease = {
  id: "rocky",
  versionId: "9.4",
  major: 9,
  codename: "",
  idLike: ["rhel", "centos", "fedora"],
  name: "Rocky Linux",
  prettyName: "Rocky Linux 9.4 (Blue Onyx)",
  family: "el",
  release: "Rocky Linux release 9.4 (Blue Onyx)",
};
const debian12: OsRelease = {
  id: "debian",
  versionId: "12",
  major: 12,
  codename: "bookworm",
  idLike: [],
  name: "Debian GNU/Linux",
  prettyName: "Debian GNU/Linux 12 (bookworm)",
  family: "debian",
  release: null,
};

/**
 * One host of each family, for building work before anything connects (configuration errors are
 * found once, before any host is touched) and for tests.
 */
export const SAMPLE_HOST_FACTS: Readonly<Record<"el9" | "debian12", HostFacts>> = {
  el9: { os: el9, arch: "x86_64", packages: { family: "rpm", manager: "dnf" } },
  debian12: { os: debian12, arch: "x86_64", packages: { family: "deb", manager: "apt-get" } },
};

/** What a generic resource needs of the host it is listed for (a playbook passes its `host`). */
export interface OnHost {
  readonly facts: HostFacts;
}
