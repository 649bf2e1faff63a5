/**
 * What the wizard learns about a host before asking anything about it: the engine's own facts,
 * gathered in one batched probe, read back into one record and summed up in one line.
 */
import { diskFree, type DiskFree } from "../facts/disk-free.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { hostname } from "../facts/hostname.js";
import { kernel, type Kernel } from "../facts/kernel.js";
import { osRelease, type OsRelease } from "../facts/os-release.js";
import type { InstalledPackages } from "../packages/family.js";
import { FAMILIES } from "../packages/index.js";
import { sudo, type SudoAccess } from "../facts/sudo.js";
import { systemdUnit, type SystemdUnit } from "../facts/systemd-unit.js";
import { APT_CONFLICTING_PACKAGES } from "../../playbooks/docker-apt.js";
import { CONFLICTING_PACKAGES } from "../../playbooks/install-engine.vars.js";

/**
 * Per package family: the engines a person would call installed, and the packages install-engine
 * removes before docker-ce (its own lists, so the wizard asks for --yes exactly when the run needs it).
 */
export const ENGINE_PACKAGES: Readonly<Record<string, { engines: string[]; conflicts: readonly string[] }>> =
  {
    rpm: { engines: ["docker-ce", "docker", "moby-engine", "podman"], conflicts: CONFLICTING_PACKAGES },
    deb: { engines: ["docker-ce", "docker.io", "podman"], conflicts: APT_CONFLICTING_PACKAGES },
  };

// Every family's database is read in the one round trip (the probe of a family whose tool the host
// lacks says so and costs nothing); the host's distribution decides which answer is its own.
const installed = FAMILIES.filter((f) => ENGINE_PACKAGES[f.name] !== undefined).map((f) => {
  const names = ENGINE_PACKAGES[f.name] ?? { engines: [], conflicts: [] };
  return { family: f, fact: f.installed([...names.engines, ...names.conflicts]) };
});
const dockerUnit = systemdUnit("docker");

/** Every fact of the wizard's probe: one round trip per host. */
export const HOST_FACTS: readonly Fact<unknown>[] = [
  hostname,
  osRelease,
  kernel,
  sudo,
  diskFree,
  ...installed.map((i) => i.fact),
  dockerUnit,
];

export interface HostFacts {
  hostname: string;
  os: OsRelease;
  kernel: Kernel;
  sudo: SudoAccess;
  disk: DiskFree | null;
  /** The package family of the host's distribution ("rpm", "deb"); undefined when ops knows none. */
  family: string | undefined;
  /** What that family's database holds of ENGINE_PACKAGES; empty without a family. */
  packages: InstalledPackages;
  docker: SystemdUnit;
}

/** Reads the probe's facts back. */
export function readHostFacts(set: FactSet): HostFacts {
  const os = set.get(osRelease);
  const own = installed.find((i) => i.family.osFamilies.includes(os.family));
  return {
    hostname: set.get(hostname),
    os,
    kernel: set.get(kernel),
    sudo: set.get(sudo),
    disk: set.get(diskFree),
    family: own?.family.name,
    packages: own ? set.get(own.fact) : {},
    docker: set.get(dockerUnit),
  };
}

/**
 * The packages install-engine would remove first on this host: those of its family's list installed
 * under their own name (containerd.io provides runc and is no conflicting runc, as the packages
 * resource judges it).
 *
 * @example conflictsOf(debianWithDockerIo) // ["docker.io"]
 */
export function conflictsOf(facts: HostFacts): string[] {
  const names = facts.family === undefined ? [] : (ENGINE_PACKAGES[facts.family]?.conflicts ?? []);
  return names.filter((n) => {
    const p = facts.packages[n];
    return p !== null && p !== undefined && p.providedBy === undefined;
  });
}

/** `12.3 GiB` / `800 MiB`. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** What is installed: "docker-ce 20.10.24 (running)", "podman 4.9.4", or "no engine". */
export function describeEngine(facts: HostFacts): string {
  const engines = facts.family === undefined ? [] : (ENGINE_PACKAGES[facts.family]?.engines ?? []);
  const found = engines.flatMap((name) => {
    const p = facts.packages[name];
    return p ? [`${name} ${p.version}`] : [];
  });
  if (found.length === 0) return "no engine";
  const state = facts.docker.loaded
    ? ` (docker ${facts.docker.active ? "running" : facts.docker.activeState})`
    : "";
  return `${found.join(", ")}${state}`;
}

/** The words for how a host becomes root. */
export function describeSudo(access: SudoAccess, checkedWithPassword: boolean): string {
  switch (access.mode) {
    case "root":
      return "root";
    case "passwordless":
      return "sudo ok";
    case "password":
      return checkedWithPassword ? "sudo ok (asks a password)" : "sudo asks a password";
    case "denied":
      return `no sudo: ${access.message}`;
    case "absent":
      return "sudo not installed";
  }
}

/**
 * One line about a probed host.
 *
 * @example describeHost(facts, false) // "el9-1 · CentOS Stream 9 · kernel 6.1.0 · x86_64 · sudo ok · no engine · 52.1 GiB free"
 */
export function describeHost(facts: HostFacts, checkedWithPassword: boolean): string {
  return [
    facts.hostname,
    facts.os.prettyName,
    `kernel ${facts.kernel.release}`,
    facts.kernel.arch,
    describeSudo(facts.sudo, checkedWithPassword),
    describeEngine(facts),
    facts.disk ? `${formatBytes(facts.disk.availableBytes)} free` : "free disk unknown",
  ].join(" · ");
}
