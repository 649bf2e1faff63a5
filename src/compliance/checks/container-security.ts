/**
 * CIS 4.1 and section 5's confinement of each running container: AppArmor (5.2), SELinux (5.3),
 * added capabilities (5.4), sensitive host paths (5.6), sshd inside (5.7), seccomp (5.22) and
 * no-new-privileges (5.26). Where the kernel says what is in force (/proc/<pid>/status of the
 * container's main process), that is what is judged, not only what was asked for.
 */
import type { Check } from "../../checks/check.js";
import { mainProcess, type ContainerInfo } from "../facts/container-record.js";
import { containerCheck, type Finding } from "./container-check.js";

const hasOption = (c: ContainerInfo, re: RegExp) => c.securityOpt.some((o) => re.test(o));
const processesUnknown = (c: ContainerInfo): Finding =>
  c.processes.status === "error"
    ? { error: `its processes could not be listed: ${c.processes.message}` }
    : undefined;
const engineHas = (name: string, options: readonly string[]) =>
  options.some((o) => o.split(",").includes(`name=${name}`));

export const containerUser = (): Check =>
  containerCheck({
    cis: "4.1",
    severity: "medium",
    reads: "`Config.User` of every running container: set, and not `root` or `0`",
    differs:
      "judged on the running containers (what runs as root), as docker-bench-security does, not on every image",
    offends: (c) => (/^(|root|0)(:.*)?$/.test(c.user) ? `runs as root (User "${c.user}")` : undefined),
    shows: (c) => `User=${JSON.stringify(c.user)}`,
    good: "every container runs as a non-root user",
    expected: "Config.User a non-root user",
    hint: "add a USER to the image's Dockerfile, or run it with --user <uid>:<gid>",
  });

export const appArmor = (): Check =>
  containerCheck({
    cis: "5.2",
    severity: "medium",
    reads:
      "`AppArmorProfile` of every running container: set and not `unconfined`; not applicable when `docker info` lists no `name=apparmor`",
    applies: (info) =>
      engineHas("apparmor", info.securityOptions)
        ? undefined
        : "the engine runs without AppArmor (no name=apparmor in its security options)",
    offends: (c) =>
      c.appArmorProfile === "" || c.appArmorProfile === "unconfined"
        ? `AppArmor profile ${c.appArmorProfile || "none"}`
        : undefined,
    shows: (c) => `AppArmorProfile=${c.appArmorProfile || "none"}`,
    good: "every container runs under an AppArmor profile",
    expected: "AppArmorProfile docker-default or a custom profile",
    hint: "recreate the container without --security-opt apparmor=unconfined (or with --security-opt apparmor=<profile>)",
  });

export const selinux = (): Check =>
  containerCheck({
    cis: "5.3",
    severity: "medium",
    reads:
      "`ProcessLabel` and `HostConfig.SecurityOpt` of every running container: a label, no `label=disable`; not applicable when `docker info` lists no `name=selinux`",
    differs:
      "judged on the label the process runs with; docker-bench-security fails any container without a --security-opt",
    applies: (info) =>
      engineHas("selinux", info.securityOptions)
        ? undefined
        : "the engine runs without SELinux support (no name=selinux in its security options)",
    offends: (c) => {
      if (hasOption(c, /^label[=:]disable$/)) return "SELinux labeling disabled (label=disable)";
      return c.processLabel === "" ? "no SELinux process label" : undefined;
    },
    shows: (c) => `ProcessLabel=${c.processLabel || "none"} SecurityOpt=${JSON.stringify(c.securityOpt)}`,
    good: "every container runs with an SELinux label",
    expected: "a ProcessLabel, no label=disable",
    hint: "recreate the container without --security-opt label=disable",
  });

export const capabilities = (): Check =>
  containerCheck({
    cis: "5.4",
    severity: "high",
    reads: "`HostConfig.CapAdd` of every running container: empty",
    offends: (c) => (c.capAdd.length > 0 ? `adds ${c.capAdd.join(", ")}` : undefined),
    shows: (c) => `CapAdd=${JSON.stringify(c.capAdd)}`,
    good: "no container adds capabilities",
    expected: "CapAdd empty",
    hint: "recreate the container without --cap-add (drop what it does not need with --cap-drop)",
  });

/** Host directories whose mount gives a container the host (CIS 5.6). */
export const SENSITIVE_DIRS = ["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"];

/**
 * The sensitive directory a bind mount exposes, as the host resolves its source: the directory
 * itself in any mode, or anything under one of them mounted read-write.
 *
 * @example sensitiveMount("/etc/ssh", true) === "/etc"; sensitiveMount("/etc/localtime", false) === undefined
 */
export function sensitiveMount(path: string, rw: boolean): string | undefined {
  const p = path.replace(/\/+/g, "/").replace(/(.)\/$/, "$1");
  if (SENSITIVE_DIRS.includes(p)) return p;
  if (!rw) return undefined;
  return SENSITIVE_DIRS.find((d) => d !== "/" && p.startsWith(`${d}/`));
}

export const sensitiveMounts = (): Check =>
  containerCheck({
    cis: "5.6",
    severity: "high",
    reads:
      "the bind mounts of every running container, sources resolved on the host: none of `/`, `/boot`, `/dev`, `/etc`, `/lib`, `/proc`, `/sys`, `/usr`, nor anything under them read-write",
    differs:
      "a read-only mount of one of these directories fails too, and so does a read-write mount below one (`/etc/ssh`) or through a symlink; docker-bench-security matches read-write mounts of the exact paths",
    offends: (c, _facts, found) => {
      const hits = c.mounts.filter(
        (m) => m.type === "bind" && sensitiveMount(found.resolved[m.source] ?? m.source, m.rw) !== undefined,
      );
      return hits.length > 0
        ? `mounts ${hits.map((m) => `${m.source} (${m.rw ? "rw" : "ro"})`).join(", ")}`
        : undefined;
    },
    shows: (c) =>
      `Mounts=${c.mounts.map((m) => `${m.source}:${m.destination}:${m.rw ? "rw" : "ro"}`).join(",") || "none"}`,
    good: "no container mounts a sensitive host directory",
    expected: `none of ${SENSITIVE_DIRS.join(" ")} mounted (nor anything under them read-write)`,
    hint: "recreate the container without that mount, or mount only the file it needs, read-only",
  });

export const sshd = (): Check =>
  containerCheck({
    cis: "5.7",
    severity: "medium",
    reads:
      "the processes of every running container as the host lists them (every process whose cgroup is the container's, from /proc: nothing runs inside): none named `sshd`",
    differs:
      "read-only: docker-bench-security runs `ps` inside each container with docker exec; a container whose processes cannot be listed is an error",
    offends: (c) => {
      if (c.processes.status === "error") return processesUnknown(c);
      const found = c.processes.processes.filter((p) => /^sshd($|-)/.test(p.command));
      return found.length > 0 ? `runs sshd (pid ${found.map((p) => p.pid).join(", ")})` : undefined;
    },
    shows: (c) =>
      c.processes.status === "error"
        ? `its processes could not be listed: ${c.processes.message}`
        : `processes=${c.processes.processes.map((p) => p.command).join(",")}`,
    good: "no container runs sshd",
    expected: "no sshd process",
    hint: "use docker exec to get into a container; remove sshd from the image",
  });

export const containerSeccomp = (): Check =>
  containerCheck({
    cis: "5.22",
    severity: "high",
    reads:
      "`HostConfig.SecurityOpt` (no `seccomp=unconfined`) and the kernel's `Seccomp:` of each container's main process (`/proc/<pid>/status`, not 0)",
    differs:
      "also fails a container the kernel runs without a filter although none was asked for (a daemon-wide unconfined profile); a privileged container runs without one by design and is reported by 5.5",
    offends: (c) => {
      if (hasOption(c, /^seccomp[=:]unconfined$/)) return "seccomp=unconfined";
      const main = mainProcess(c);
      if (main?.seccomp === 0 && !c.privileged) return "the kernel applies no seccomp filter (Seccomp: 0)";
      return main === undefined ? processesUnknown(c) : undefined;
    },
    shows: (c) => `SecurityOpt=${JSON.stringify(c.securityOpt)} Seccomp=${mainProcess(c)?.seccomp ?? "?"}`,
    good: "every container runs under a seccomp filter",
    expected: "no seccomp=unconfined; Seccomp 2 (filter) in /proc/<pid>/status",
    hint: "recreate the container without --security-opt seccomp=unconfined",
  });

export const containerNoNewPrivileges = (): Check =>
  containerCheck({
    cis: "5.26",
    severity: "medium",
    reads:
      "the kernel's `NoNewPrivs:` of each container's main process (`/proc/<pid>/status`); when it cannot be read, `no-new-privileges` in `HostConfig.SecurityOpt`",
    differs:
      "a container that gets no-new-privileges from the daemon's default passes (the kernel says so); docker-bench-security wants the option on every container",
    offends: (c) => {
      const main = mainProcess(c);
      if (main?.noNewPrivs === true) return undefined;
      if (main?.noNewPrivs === false) return "may gain privileges (NoNewPrivs: 0)";
      if (hasOption(c, /^no-new-privileges([=:]true)?$/)) return undefined;
      return processesUnknown(c) ?? { error: "NoNewPrivs of its main process could not be read" };
    },
    shows: (c) => {
      const nnp = mainProcess(c)?.noNewPrivs;
      const value = nnp === undefined || nnp === null ? "?" : nnp ? "1" : "0";
      return `NoNewPrivs=${value} SecurityOpt=${JSON.stringify(c.securityOpt)}`;
    },
    good: "every container runs with no-new-privileges",
    expected: "NoNewPrivs 1 in /proc/<pid>/status",
    hint: 'run containers with --security-opt no-new-privileges (or set "no-new-privileges": true in daemon.json for new ones)',
  });
