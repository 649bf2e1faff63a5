// Lab hosts: systemd containers on the lab network, reached over SSH like real servers. Run with the
// capabilities LAB.md found to work here (--privileged fails on this machine: no CAP_SYS_RESOURCE).
import { DEBIAN12_FIRST, EL9_FIRST, LABEL, NETWORK, labAddress, type HostKind } from "./config.js";
import { containerImage, containerState, execIn, removeContainer } from "./docker.js";
import { KNOWN_HOSTS_FILE, PRIVATE_KEY_FILE } from "./keys.js";
import { $ } from "./sh.js";

export interface LabHost {
  /** Inventory name, e.g. "el9-1". */
  name: string;
  kind: HostKind;
  address: string;
  /** Docker container name, e.g. "ops-lab-el9-1". */
  container: string;
}

/** The hosts a lab of el9 + debian12 hosts consists of, with their fixed addresses. */
export function plannedHosts(el9: number, debian12: number): LabHost[] {
  if (el9 < 0 || el9 > 90 || debian12 < 0 || debian12 > 90) throw new Error("host counts must be 0..90");
  const make = (kind: HostKind, first: number, count: number): LabHost[] =>
    Array.from({ length: count }, (_, i) => ({
      name: `${kind}-${i + 1}`,
      kind,
      address: labAddress(first + i),
      container: `ops-lab-${kind}-${i + 1}`,
    }));
  return [...make("el9", EL9_FIRST, el9), ...make("debian12", DEBIAN12_FIRST, debian12)];
}

/** docker run arguments for a systemd host (see ../../shared/LAB.md for why each is needed). */
function runArgs(host: LabHost, image: string): string[] {
  return [
    ...["-d", "--name", host.container, "--hostname", host.name],
    ...["--label", LABEL, "--label", `ops-lab-host=${host.name}`],
    ...["--network", NETWORK, "--ip", host.address],
    ...["--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE"],
    ...["--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined"],
    ...["--tmpfs", "/run", "--tmpfs", "/run/lock", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:ro"],
    // A volume, so a nested engine's overlay2 is not stacked on the container's own overlay.
    ...["--mount", `type=volume,dst=/var/lib/docker,volume-label=${LABEL}`],
    ...["--stop-signal", "SIGRTMIN+3"],
    image,
  ];
}

/** Starts the host unless it already runs from this image; returns true when it (re)started it. */
export async function ensureHost(host: LabHost, image: string, fresh = false): Promise<boolean> {
  const running = (await containerState(host.container)) === "running";
  if (!fresh && running && (await containerImage(host.container)) === image) return false;
  await removeContainer(host.container);
  await $`docker run ${runArgs(host, image)}`;
  return true;
}

/** Waits for systemd to finish booting; fails, listing failed units, unless the state is `running`. */
export async function waitBooted(host: LabHost, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let s = "";
  // Right after `docker run`, systemd may not answer on its bus yet: retry until it reports a state.
  while (Date.now() < deadline) {
    const r = await $`docker exec ${host.container} timeout 60 systemctl is-system-running --wait`.nothrow();
    s = r.stdout.trim();
    if (["running", "degraded", "maintenance", "stopping"].includes(s)) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  if (s === "running") return;
  const failed = await $`docker exec ${host.container} systemctl --failed --no-legend`.nothrow();
  throw new Error(`${host.name}: systemd is "${s}", failed units: ${failed.stdout.trim() || "none"}`);
}

/** Authorizes the lab client key for root, ops and opspw (idempotent). */
export async function authorizeKey(host: LabHost, publicKey: string): Promise<void> {
  const script = [
    "set -e",
    "for u in root ops opspw; do",
    '  home=$(getent passwd "$u" | cut -d: -f6)',
    `  printf '%s\\n' '${publicKey}' >"$home/.ssh/authorized_keys"`,
    "done",
  ].join("\n");
  await execIn(host.container, script);
}

/**
 * Makes the host's network sysctls (its own network namespace's) writable: Docker mounts /proc/sys
 * read-only in a container that is not privileged, and a nested engine with `userland-proxy: false`
 * (CIS 2.16) must set route_localnet on its bridges for hairpin NAT, or it does not start. Only
 * /proc/sys/net: what the kernel keeps per namespace; the rest of /proc/sys stays read-only.
 * Idempotent: a host kept running already has the mount.
 */
export async function netSysctlsWritable(host: LabHost): Promise<void> {
  await execIn(
    host.container,
    [
      "grep -q ' /proc/sys/net proc rw,' /proc/mounts && exit 0",
      "mount --bind /proc/sys/net /proc/sys/net",
      "mount -o remount,bind,rw /proc/sys/net",
    ].join("\n"),
  );
}

/** The host's public SSH host keys, read from inside the container. */
export async function readHostKeys(host: LabHost): Promise<string[]> {
  const out = await execIn(
    host.container,
    "cat /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_rsa_key.pub",
  );
  return out.split("\n").filter((l) => l.trim() !== "");
}

/** Arguments for plain OpenSSH with the lab key and strict host key checking against the lab known_hosts. */
export function sshArgs(user: string, address: string, knownHosts = KNOWN_HOSTS_FILE): string[] {
  return [
    ...["-i", PRIVATE_KEY_FILE, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes"],
    ...[
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      "ConnectTimeout=5",
    ],
    ...["-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"],
    `${user}@${address}`,
  ];
}

/** Waits until sshd accepts the lab key as root with the recorded host key. */
export async function waitSsh(host: LabHost, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await $`ssh ${sshArgs("root", host.address)} true`.nothrow();
    if (r.exitCode === 0) return;
    if (Date.now() > deadline) throw new Error(`${host.name}: ssh did not answer: ${r.stderr.trim()}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}
