/**
 * What the wizard learns about a host before asking anything about it: the engine's own facts,
 * gathered in one batched probe, read back into one record and summed up in one line.
 */
import { diskFree, type DiskFree } from "../facts/disk-free.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { hostname } from "../facts/hostname.js";
import { kernel, type Kernel } from "../facts/kernel.js";
import { osRelease, type OsRelease } from "../facts/os-release.js";
import { rpmPackages, type RpmPackages } from "../packages/rpm/installed.js";
import { sudo, type SudoAccess } from "../facts/sudo.js";
import { systemdUnit, type SystemdUnit } from "../facts/systemd-unit.js";

/** Engines and the packages that stand in docker-ce's way, as install-engine sees them. */
export const ENGINE_PACKAGES = ["docker-ce", "docker", "moby-engine", "podman", "containerd.io", "runc"];

const packages = rpmPackages(ENGINE_PACKAGES);
const dockerUnit = systemdUnit("docker");

/** Every fact of the wizard's probe: one round trip per host. */
export const HOST_FACTS: readonly Fact<unknown>[] = [
  hostname,
  osRelease,
  kernel,
  sudo,
  diskFree,
  packages,
  dockerUnit,
];

export interface HostFacts {
  hostname: string;
  os: OsRelease;
  kernel: Kernel;
  sudo: SudoAccess;
  disk: DiskFree | null;
  packages: RpmPackages;
  docker: SystemdUnit;
}

/** Reads the probe's facts back. */
export function readHostFacts(set: FactSet): HostFacts {
  return {
    hostname: set.get(hostname),
    os: set.get(osRelease),
    kernel: set.get(kernel),
    sudo: set.get(sudo),
    disk: set.get(diskFree),
    packages: set.get(packages),
    docker: set.get(dockerUnit),
  };
}

/** `12.3 GiB` / `800 MiB`. */
export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** What is installed: "docker-ce 20.10.24 (running)", "podman 4.9.4", or "no engine". */
export function describeEngine(facts: HostFacts): string {
  const found = ["docker-ce", "docker", "moby-engine", "podman"].flatMap((name) => {
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
