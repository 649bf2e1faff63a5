/**
 * Owner, group and raw mode of the files the daemon's own configuration names (CIS 3.9-3.14, 3.23,
 * 3.24): the TLS CA, certificate and key (`--tlscacert`/`--tlscert`/`--tlskey` on its command line,
 * the same keys in daemon.json, and root's `~/.docker/{ca,cert,key}.pem`, dockerd's default when TLS
 * is on without a path) and the containerd socket (`--containerd`, the `containerd` key, the system
 * containerd's and the daemon-managed one's default paths).
 *
 * The probe over-collects: it stats every candidate, so the judge, which parses daemon.json and the
 * command line properly, picks the path dockerd really uses and finds its stat here. A path the probe
 * missed (a JSON escape grep cannot read) is then an error, never a pass.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";
import { DAEMON_JSON_PATH, NEWLINE_IFS, STAT_FN, statLine, type PathStat } from "./docker-files.js";
import { DAEMON_PID } from "./dockerd-cmdline.js";

export interface DaemonPaths {
  /** Every path stat'ed, by path as printed. */
  readonly stats: Readonly<Record<string, PathStat>>;
  /** Paths asked for that do not exist. */
  readonly absent: readonly string[];
  /** containerd sockets found (symlinks resolved), deduplicated. */
  readonly containerd: readonly string[];
}

const NAME = "daemon-paths";

/** dockerd's TLS file defaults: `$DOCKER_CERT_PATH` or the daemon's `~/.docker` (root's). */
export const DEFAULT_TLS_FILES = {
  tlscacert: "/root/.docker/ca.pem",
  tlscert: "/root/.docker/cert.pem",
  tlskey: "/root/.docker/key.pem",
} as const;

export const CONTAINERD_SOCKETS = [
  "/run/containerd/containerd.sock",
  "/var/run/docker/containerd/containerd.sock",
] as const;

export function parseDaemonPaths(stdout: string): DaemonPaths {
  const stats: Record<string, PathStat> = {};
  const absent: string[] = [];
  const containerd: string[] = [];
  for (const line of lines(stdout)) {
    if (statLine(NAME, line, stats, absent)) continue;
    const [tag = "", ...rest] = line.split(" ");
    const tail = rest.join(" ");
    if (tag === "containerd") {
      if (!containerd.includes(tail)) containerd.push(tail);
    } else if (tag !== "tls" && line !== "")
      throw new FactError(NAME, `unexpected line "${line.slice(0, 120)}"`);
  }
  return { stats, absent, containerd };
}

/** The values of `--<flag> v` and `--<flag>=v` in the daemon's arguments, one per line ($args). */
const flagValues = (flags: string): string =>
  `printf '%s\\n' "$args" | awk -v re='^--(${flags})$' -v eq='^--(${flags})=' 'f { print; f = 0; next } $0 ~ re { f = 1; next } $0 ~ eq { sub(eq, ""); print }'`;

/** The string values of these daemon.json keys (grep: the judge checks what it parses itself). */
const jsonValues = (keys: string): string =>
  `if [ -r ${DAEMON_JSON_PATH} ]; then grep -oE '"(${keys})"[[:space:]]*:[[:space:]]*"[^"]*"' ${DAEMON_JSON_PATH} | sed 's/^.*"\\([^"]*\\)"$/\\1/'; fi`;

/**
 * @example facts.get(daemonPaths).stats["/etc/docker/tls/key.pem"].mode.perms === 0o400
 */
export const daemonPaths: Fact<DaemonPaths> = {
  name: NAME,
  command: "stat -L -c '%a %U:%G %n' <tlscacert> <tlscert> <tlskey> /run/containerd/containerd.sock",
  stderr: "fold",
  probe: [
    ...STAT_FN,
    ...DAEMON_PID,
    "args=''",
    'if [ -n "$pid" ]; then args=$(tr "\\000" "\\n" < "/proc/$pid/cmdline") || exit $?; fi',
    NEWLINE_IFS,
    `tls=$( { ${flagValues("tlscacert|tlscert|tlskey")}; ${jsonValues("tlscacert|tlscert|tlskey")}; printf '%s\\n' ${Object.values(DEFAULT_TLS_FILES).join(" ")}; } | grep . | sort -u)`,
    'for f in $tls; do printf "tls %s\\n" "$f"; st "$f"; done',
    `cs=$( { ${flagValues("containerd")}; ${jsonValues("containerd")}; printf '%s\\n' ${CONTAINERD_SOCKETS.join(" ")}; } | while read -r s; do if [ -S "$s" ]; then readlink -f -- "$s"; fi; done | sort -u)`,
    'for s in $cs; do printf "containerd %s\\n" "$s"; st "$s"; done',
    'exit "$bad"',
  ].join("\n"),
  parse: parseDaemonPaths,
};
