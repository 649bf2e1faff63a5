// The floor: what any tool must at least pay to learn a host's state. One plain OpenSSH `ssh` per
// host, all in parallel, each running ONE probe that reads every fact install-engine needs. No
// multiplexing, no persistent master: a cold connection per host, exactly like one ops run.
import { performance } from "node:perf_hooks";
import { sshArgs } from "../lab/hosts.js";
import type { LabHost, LabInfo } from "../lab/lab.js";
import { tail, timed } from "./proc.js";

const PACKAGES = "docker-ce docker-ce-cli containerd.io docker-buildx-plugin docker-compose-plugin";

/** The package-family part of the probe, per lab host kind: what install-engine reads on that family. */
const FAMILY_READS: Record<LabHost["kind"], string[]> = {
  el9: [
    `rpm -q ${PACKAGES} || true`,
    "rpm -q gpg-pubkey --qf '%{VERSION}-%{RELEASE} %{SUMMARY}\\n' || true",
    "cat /etc/yum.repos.d/docker-ce.repo 2>/dev/null || echo 'repo absent'",
  ],
  debian12: [
    `dpkg-query -W -f='\${Package} \${Version} \${db:Status-Abbrev} \${Provides}\\n' ${PACKAGES} 2>/dev/null || true`,
    "cat /etc/apt/keyrings/docker.asc 2>/dev/null || echo 'key absent'",
    "cat /etc/apt/sources.list.d/docker.sources 2>/dev/null || echo 'sources absent'",
  ],
};

/** POSIX sh; every read tolerates absence (a fresh host) so the probe itself always exits 0. */
export function floorProbe(kind: LabHost["kind"]): string {
  return [
    "LC_ALL=C; export LC_ALL",
    "cat /etc/os-release",
    "uname -r -m",
    ...FAMILY_READS[kind],
    "cat /etc/docker/daemon.json 2>/dev/null || echo 'daemon.json absent'",
    "systemctl is-active docker || true",
    "systemctl is-enabled docker 2>/dev/null || true",
    // The daemon over its socket, as ops asks it (the docker CLI costs several times more); the CLI where curl cannot.
    "if ! command -v docker >/dev/null 2>&1; then echo 'docker absent'",
    "elif curl -sf --max-time 20 --unix-socket /var/run/docker.sock http://localhost/info 2>/dev/null; then :",
    "else timeout 20 docker info --format '{{json .}}' 2>/dev/null || echo 'docker info failed'; fi",
    "exit 0",
  ].join("\n");
}

/** The el9 probe: what the probe-cost and profile figures compare ops's own probe with. */
export const FLOOR_PROBE = floorProbe("el9");

export interface FloorRun {
  /** Wall time from the first spawn to the last exit, ms. */
  readonly ms: number;
  /** Bytes of probe output per host: proof each probe ran (and how much it carried back). */
  readonly bytes: readonly number[];
}

/**
 * Runs the probe on every lab host at once; throws naming each host whose ssh failed.
 * `probe` is what each ssh runs: install-engine's facts for the host's family by default (a mixed
 * lab's debian12 hosts read dpkg and apt's files), `ops check`'s batch for its bench.
 */
export async function runFloor(lab: LabInfo, probe?: string): Promise<FloorRun> {
  const start = performance.now();
  const results = await Promise.all(
    lab.hosts.map((h) =>
      timed("ssh", [...sshArgs("root", h.address, lab.knownHostsFile), probe ?? floorProbe(h.kind)], {
        timeoutMs: 120_000,
      }),
    ),
  );
  const ms = performance.now() - start;
  const failed = results
    .map((r, i) => ({ r, host: lab.hosts[i]?.name ?? `#${i}` }))
    .filter(({ r }) => r.code !== 0);
  if (failed.length > 0) {
    const lines = failed.map(({ r, host }) => `${host}: ssh exited ${r.code}: ${tail(r.stderr, 3)}`);
    throw new Error(`floor failed on ${failed.length} host(s):\n${lines.join("\n")}`);
  }
  return { ms, bytes: results.map((r) => Buffer.byteLength(r.stdout)) };
}
