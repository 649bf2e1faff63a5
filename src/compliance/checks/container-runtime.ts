/**
 * CIS section 5's isolation and resources of each running container: privileged ports (5.8), CPU
 * shares (5.12), a read-only root filesystem (5.13), ports bound to every interface (5.14), the
 * host's PID, IPC, UTS and user namespaces (5.16, 5.17, 5.21, 5.31), shared mount propagation
 * (5.20), the cgroup parent (5.25), the PIDs limit (5.29) and the default bridge (5.30).
 */
import type { Check } from "../../checks/check.js";
import type { ContainerInfo, PublishedPort } from "../facts/container-record.js";
import { containerCheck } from "./container-check.js";
import type { CheckMeta } from "./support.js";

const portsOf = (c: ContainerInfo) =>
  c.ports.map((p) => `${p.hostIp || "*"}:${p.hostPort}->${p.container}`).join(",") || "none";

/** "publishes <what>, <what>" for the ports that match, once each; undefined when none does. */
function publishes(
  c: ContainerInfo,
  matches: (p: PublishedPort) => boolean,
  what: (p: PublishedPort) => string,
): string | undefined {
  const found = [...new Set(c.ports.filter(matches).map(what))];
  return found.length > 0 ? `publishes ${found.join(", ")}` : undefined;
}

export const privilegedPorts = (): Check =>
  containerCheck({
    cis: "5.8",
    severity: "medium",
    reads:
      "the published ports of every running container (`NetworkSettings.Ports`): no host port below 1024",
    offends: (c) =>
      publishes(
        c,
        (p) => p.hostPort > 0 && p.hostPort < 1024,
        (p) => `host port ${p.hostPort}`,
      ),
    shows: (c) => `Ports=${portsOf(c)}`,
    good: "no container publishes a host port below 1024",
    expected: "host ports 1024 and above",
    hint: "publish the service on a host port of 1024 or more (-p 8080:80)",
  });

export const cpuShares = (): Check =>
  containerCheck({
    cis: "5.12",
    severity: "low",
    reads: "`CpuShares`, `NanoCpus` or `CpuQuota` of every running container: one is set",
    offends: (c) =>
      c.cpuShares === 0 && c.nanoCpus === 0 && c.cpuQuota === 0 ? "no CPU shares or limit" : undefined,
    shows: (c) => `CpuShares=${c.cpuShares} NanoCpus=${c.nanoCpus} CpuQuota=${c.cpuQuota}`,
    good: "every container has CPU shares or a CPU limit",
    expected: "CpuShares, NanoCpus or CpuQuota set",
    hint: "docker update --cpu-shares 512 <container> (or recreate it with --cpus)",
  });

export const readOnlyRoot = (): Check =>
  containerCheck({
    cis: "5.13",
    severity: "low",
    reads: "`HostConfig.ReadonlyRootfs` of every running container",
    offends: (c) => (c.readonlyRootfs ? undefined : "root filesystem writable"),
    shows: (c) => `ReadonlyRootfs=${c.readonlyRootfs}`,
    good: "every container's root filesystem is read-only",
    expected: "ReadonlyRootfs true",
    hint: "recreate the container with --read-only (and --tmpfs or volumes for what it writes)",
  });

const WILDCARD = new Set(["", "0.0.0.0", "::"]);
const wide = (p: PublishedPort) => WILDCARD.has(p.hostIp);

export const boundInterface = (): Check =>
  containerCheck({
    cis: "5.14",
    severity: "medium",
    reads: "the published ports of every running container: none bound to `0.0.0.0` or `::`",
    offends: (c) => publishes(c, wide, (p) => `${p.container} on ${p.hostIp || "*"}:${p.hostPort}`),
    shows: (c) => `Ports=${portsOf(c)}`,
    good: "every published port is bound to one host address",
    expected: "HostIp a specific address (not 0.0.0.0 or ::)",
    hint: "publish on one address: -p 10.0.0.5:8080:80",
  });

/** A host namespace a container must not share. */
function namespaceCheck(meta: CheckMeta, field: keyof ContainerInfo, flag: string, what: string): Check {
  return containerCheck({
    ...meta,
    offends: (c) => (c[field] === "host" ? `${flag} host` : undefined),
    shows: (c) => `${String(field)}=${String(c[field]) || "default"}`,
    good: `no container shares the host's ${what} namespace`,
    expected: `${flag} other than host`,
    hint: `recreate the container without ${flag} host`,
  });
}

export const hostPid = (): Check =>
  namespaceCheck(
    {
      cis: "5.16",
      severity: "high",
      reads: "`HostConfig.PidMode` of every running container: not `host`",
    },
    "pidMode",
    "--pid",
    "process",
  );

export const hostIpc = (): Check =>
  namespaceCheck(
    {
      cis: "5.17",
      severity: "high",
      reads: "`HostConfig.IpcMode` of every running container: not `host`",
    },
    "ipcMode",
    "--ipc",
    "IPC",
  );

export const hostUts = (): Check =>
  namespaceCheck(
    {
      cis: "5.21",
      severity: "medium",
      reads: "`HostConfig.UTSMode` of every running container: not `host`",
    },
    "utsMode",
    "--uts",
    "UTS",
  );

export const hostUserns = (): Check =>
  namespaceCheck(
    {
      cis: "5.31",
      severity: "medium",
      reads: "`HostConfig.UsernsMode` of every running container: not `host`",
    },
    "usernsMode",
    "--userns",
    "user",
  );

export const mountPropagation = (): Check =>
  containerCheck({
    cis: "5.20",
    severity: "medium",
    reads: "the propagation of every mount of every running container: not `shared` or `rshared`",
    offends: (c) => {
      const shared = c.mounts.filter((m) => m.propagation === "shared" || m.propagation === "rshared");
      return shared.length > 0
        ? `mounts ${shared.map((m) => `${m.source} ${m.propagation}`).join(", ")}`
        : undefined;
    },
    shows: (c) =>
      `Propagation=${c.mounts.map((m) => `${m.destination}:${m.propagation || "-"}`).join(",") || "none"}`,
    good: "no mount propagates shared",
    expected: "propagation private, rprivate, slave or rslave",
    hint: "recreate the container without the shared/rshared bind option",
  });

export const cgroupParent = (): Check =>
  containerCheck({
    cis: "5.25",
    severity: "low",
    reads: "`HostConfig.CgroupParent` of every running container: empty (the daemon's default)",
    offends: (c) => (c.cgroupParent !== "" ? `cgroup parent ${c.cgroupParent}` : undefined),
    shows: (c) => `CgroupParent=${c.cgroupParent || "default"}`,
    good: "every container runs under the default cgroup",
    expected: "CgroupParent empty",
    hint: "recreate the container without --cgroup-parent (or waive it where that cgroup is intended)",
  });

export const pidsLimit = (): Check =>
  containerCheck({
    cis: "5.29",
    severity: "low",
    reads: "`HostConfig.PidsLimit` of every running container: more than 0",
    offends: (c) => (c.pidsLimit === null || c.pidsLimit <= 0 ? "no PIDs limit" : undefined),
    shows: (c) => `PidsLimit=${c.pidsLimit ?? "none"}`,
    good: "every container has a PIDs limit",
    expected: "PidsLimit > 0",
    hint: "docker update --pids-limit 200 <container> (or recreate it with --pids-limit)",
  });

export const defaultBridge = (): Check =>
  containerCheck({
    cis: "5.30",
    severity: "low",
    reads: "`HostConfig.NetworkMode` of every running container: not `default`/`bridge` (docker0)",
    differs:
      "the benchmark calls it manual; ops names the containers on docker0 (level 2: off in the default policy)",
    offends: (c) => (c.network === "default" || c.network === "bridge" ? "on the default bridge" : undefined),
    shows: (c) => `NetworkMode=${c.network}`,
    good: "no container is on the default bridge",
    expected: "a user-defined network",
    hint: "docker network create <net>, then recreate the container with --network <net>",
  });
