/** Maps a fixture folder name (and the case's args) to the fact it exercises. */
import type { Fact } from "../../../src/facts/fact.js";
import { diskFree } from "../../../src/facts/disk-free.js";
import { dockerDaemon, dockerInfo } from "../../../src/facts/docker-info.js";
import { file } from "../../../src/facts/file.js";
import { group, users } from "../../../src/facts/group.js";
import { hostname } from "../../../src/facts/hostname.js";
import { kernel } from "../../../src/facts/kernel.js";
import { nrOpen } from "../../../src/facts/nr-open.js";
import { lock } from "../../../src/facts/lock.js";
import { osRelease } from "../../../src/facts/os-release.js";
import { commandsPresent } from "../../../src/facts/commands-present.js";
import { rpmGpgKeys } from "../../../src/packages/rpm/gpg-keys.js";
import { rpmPackages } from "../../../src/packages/rpm/installed.js";
import { debPackages } from "../../../src/packages/deb/installed.js";
import { sudo } from "../../../src/facts/sudo.js";
import { systemdUnit } from "../../../src/facts/systemd-unit.js";
import { urlContent } from "../../../src/facts/url-content.js";
import { auditRules } from "../../../src/compliance/facts/audit-rules.js";
import { bridgeNetwork } from "../../../src/compliance/facts/bridge-network.js";
import { containers } from "../../../src/compliance/facts/containers.js";
import { contentTrust } from "../../../src/compliance/facts/content-trust.js";
import { daemonPaths } from "../../../src/compliance/facts/daemon-paths.js";
import { dockerFiles } from "../../../src/compliance/facts/docker-files.js";
import { dockerdCmdline } from "../../../src/compliance/facts/dockerd-cmdline.js";
import { execAudit } from "../../../src/compliance/facts/exec-audit.js";
import { images } from "../../../src/compliance/facts/images.js";
import { mounts } from "../../../src/compliance/facts/mounts.js";
import { urlTimings } from "../../../src/facts/url-timings.js";
import { listeningPorts } from "../../../src/facts/listening-ports.js";
import { composeState } from "../../../src/facts/compose-state.js";

export interface FactArgs {
  names?: string[];
  name?: string;
  path?: string;
  url?: string;
  unlessLabel?: string;
  urls?: string[];
  timeoutSeconds?: number;
}

const arg = (a: FactArgs, key: keyof FactArgs): string => {
  const v = a[key];
  if (typeof v !== "string") throw new Error(`fixture args need "${key}"`);
  return v;
};

export const FACTS: Record<string, (args: FactArgs) => Fact<unknown>> = {
  "os-release": () => osRelease,
  kernel: () => kernel,
  "fs-nr-open": () => nrOpen,
  "commands-present": (a) => commandsPresent(a.names ?? []),
  "rpm-packages": (a) => rpmPackages(a.names ?? []),
  "dpkg-packages": (a) => debPackages(a.names ?? []),
  "rpm-gpg-keys": () => rpmGpgKeys,
  "url-content": (a) =>
    urlContent(
      arg(a, "url"),
      a.unlessLabel ? { test: "rpm -q gpg-pubkey-621e9f35", label: a.unlessLabel } : undefined,
    ),
  file: (a) => file(arg(a, "path")),
  "systemd-unit": (a) => systemdUnit(arg(a, "name")),
  group: (a) => group(arg(a, "name")),
  users: (a) => users(a.names ?? []),
  "docker-info": () => dockerInfo,
  "docker-daemon": () => dockerDaemon,
  lock: () => lock,
  "dockerd-cmdline": () => dockerdCmdline,
  "exec-audit": () => execAudit,
  "docker-files": () => dockerFiles,
  "daemon-paths": () => daemonPaths,
  images: () => images,
  "content-trust": () => contentTrust,
  containers: () => containers,
  mounts: () => mounts,
  "audit-rules": () => auditRules,
  "docker-bridge": () => bridgeNetwork,
  hostname: () => hostname,
  sudo: () => sudo,
  "disk-free": () => diskFree,
  "url-timings": (a) => urlTimings(a.urls ?? [], a.timeoutSeconds),
  "listening-ports": () => listeningPorts,
  "compose-state": (a) => composeState(arg(a, "name")),
};
