/**
 * Owner, group and raw mode of the files the CIS benchmark's section 3 names: /etc/docker,
 * daemon.json, the API socket, the docker.service and docker.socket unit files (wherever systemd
 * loads them from) and every file under /etc/docker/certs.d. One `stat -c %f` per path: the mode
 * comes back as the raw st_mode in hex, so it is compared as bits (mode-bits.ts).
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { parseStatHex, type Mode } from "../mode-bits.js";

export interface PathStat {
  readonly path: string;
  readonly mode: Mode;
  readonly uid: number;
  readonly gid: number;
  /** Names as the host resolves them ("UNKNOWN" when the id has no name). */
  readonly owner: string;
  readonly group: string;
}

export interface DockerFiles {
  /** Every path stat'ed, by path as printed. */
  readonly stats: Readonly<Record<string, PathStat>>;
  /** Paths asked for that do not exist. */
  readonly absent: readonly string[];
  /** The unit file systemd loads for each unit ("" when the unit is unknown). */
  readonly units: Readonly<Record<string, string>>;
  /** Docker API sockets found (symlinks resolved), deduplicated. */
  readonly sockets: readonly string[];
  /** Regular files under /etc/docker/certs.d. */
  readonly certs: readonly string[];
}

const NAME = "docker-files";
export const ETC_DOCKER = "/etc/docker";
export const DAEMON_JSON_PATH = "/etc/docker/daemon.json";
export const CERTS_DIR = "/etc/docker/certs.d";
export const UNITS = ["docker.service", "docker.socket"] as const;
/** The files distributions' init scripts and units read dockerd's options from (CIS 3.19-3.22). */
export const DEFAULT_DOCKER = "/etc/default/docker";
export const SYSCONFIG_DOCKER = "/etc/sysconfig/docker";
const ENV_FILES = [DEFAULT_DOCKER, SYSCONFIG_DOCKER] as const;

/**
 * A `stat` or `absent` line of the shared `st` function into `stats` or `absent`; false for any
 * other line.
 */
export function statLine(
  name: string,
  line: string,
  stats: Record<string, PathStat>,
  absent: string[],
): boolean {
  const [tag = "", ...rest] = line.split(" ");
  const tail = rest.join(" ");
  if (tag === "absent") {
    absent.push(tail);
    return true;
  }
  if (tag !== "stat") return false;
  const m = /^([0-9a-f]+) (\d+) (\d+) (\S+) (\S+) (.+)$/.exec(tail);
  if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5] || !m[6])
    throw new FactError(name, `unexpected stat line "${line.slice(0, 120)}"`);
  let mode: Mode;
  try {
    mode = parseStatHex(m[1]);
  } catch (err) {
    throw new FactError(name, `${(err as Error).message} in "${line.slice(0, 120)}"`);
  }
  stats[m[6]] = { path: m[6], mode, uid: Number(m[2]), gid: Number(m[3]), owner: m[4], group: m[5] };
  return true;
}

/**
 * The shell function every file probe stats a path with: `stat <hex mode> <uid> <gid> <owner>
 * <group> <path>`, or `absent <path>` only when stat says there is no such file; any other failure
 * (permission denied) goes to stderr and sets `bad`, which fails the probe at its end. -L: a unit or
 * socket path may be a symlink; its target's bits are what protect it.
 */
export const STAT_FN: readonly string[] = [
  "bad=0",
  'st() { if o=$(stat -L -c "stat %f %u %g %U %G %n" -- "$1" 2>&1); then printf "%s\\n" "$o"; else case "$o" in *"No such file or directory"*) printf "absent %s\\n" "$1" ;; *) printf "%s\\n" "$o" >&2; bad=1 ;; esac; fi; }',
];

/** Paths one per line in `for x in $list`: IFS is a newline, so a path with a space stays whole. */
export const NEWLINE_IFS = 'IFS="$(printf "\\nx")"; IFS="${IFS%x}"';

export function parseDockerFiles(stdout: string): DockerFiles {
  const stats: Record<string, PathStat> = {};
  const absent: string[] = [];
  const units: Record<string, string> = {};
  const sockets: string[] = [];
  const certs: string[] = [];
  for (const line of lines(stdout)) {
    const [tag = "", ...rest] = line.split(" ");
    const tail = rest.join(" ");
    if (statLine(NAME, line, stats, absent)) continue;
    if (tag === "unit") {
      const [unit = "", ...path] = rest;
      units[unit] = path.join(" ");
    } else if (tag === "socket") {
      if (!sockets.includes(tail)) sockets.push(tail);
    } else if (tag === "cert") certs.push(tail);
    else if (line !== "") throw new FactError(NAME, `unexpected line "${line.slice(0, 120)}"`);
  }
  return { stats, absent, units, sockets, certs };
}

/**
 * @example facts.get(dockerFiles).stats["/etc/docker/daemon.json"].mode.perms === 0o644
 */
export const dockerFiles: Fact<DockerFiles> = {
  name: NAME,
  command: "stat -L -c '%a %U:%G %n' /etc/docker /etc/docker/daemon.json …",
  stderr: "fold",
  probe: [
    ...STAT_FN,
    `st ${ETC_DOCKER}`,
    `st ${DAEMON_JSON_PATH}`,
    ...ENV_FILES.map((f) => `st ${f}`),
    `for u in ${UNITS.join(" ")}; do`,
    '  p=$(systemctl show -p FragmentPath "$u" 2>/dev/null | sed -n "s/^FragmentPath=//p")',
    '  printf "unit %s %s\\n" "$u" "$p"',
    '  if [ -n "$p" ]; then st "$p"; fi',
    "done",
    // The socket docker.socket listens on, else the default path; symlinks resolved so
    // /var/run/docker.sock and /run/docker.sock count once.
    NEWLINE_IFS,
    "socks=$({ systemctl show -p Listen docker.socket 2>/dev/null | sed -n 's/^Listen=//p' | tr ' ' '\\n' | grep '^/';",
    '  echo /var/run/docker.sock; } | while read -r s; do if [ -S "$s" ]; then readlink -f -- "$s"; fi; done | sort -u)',
    'for s in $socks; do printf "socket %s\\n" "$s"; st "$s"; done',
    `if [ -d ${CERTS_DIR} ]; then`,
    `  certs=$(find ${CERTS_DIR} -type f 2>&1 | sort | head -n 200) || bad=1`,
    '  for f in $certs; do printf "cert %s\\n" "$f"; st "$f"; done',
    "fi",
    'exit "$bad"',
  ].join("\n"),
  parse: parseDockerFiles,
};
