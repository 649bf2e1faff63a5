/**
 * The command line of the daemon the host runs, from `/proc/<pid>/cmdline`: what dockerd was really
 * started with (a systemd drop-in, a distribution's sysconfig file), which daemon.json alone cannot
 * show. The daemon is the one docker.service runs (its MainPID), else the process listening on the
 * API socket: never "any dockerd", since a `dind` container or a nested engine has its own.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";

export type DockerdCmdline =
  | { readonly running: false }
  | {
      readonly running: true;
      readonly pid: number;
      /** How the pid was found: docker.service's MainPID or the socket's listener. */
      readonly via: "MainPID" | "socket";
      readonly args: readonly string[];
    };

const NAME = "dockerd-cmdline";

export function parseDockerdCmdline(stdout: string): DockerdCmdline {
  const [head = "", ...args] = lines(stdout);
  if (head === "none") return { running: false };
  const m = /^pid (\d+) (MainPID|socket)$/.exec(head);
  if (!m?.[1] || !m[2]) throw new FactError(NAME, `unexpected output "${head.slice(0, 80)}"`);
  if (args.length === 0) throw new FactError(NAME, `/proc/${m[1]}/cmdline is empty`);
  return { running: true, pid: Number(m[1]), via: m[2] as "MainPID" | "socket", args };
}

/**
 * Sets `pid` to the judged daemon's pid (empty when none runs) and `via` to how it was found:
 * docker.service's MainPID, else the listener of /var/run/docker.sock when that is a dockerd. Shared
 * by every probe that reads the daemon's own command line.
 */
export const DAEMON_PID: readonly string[] = [
  "via=MainPID",
  "pid=$(systemctl show -p MainPID docker.service 2>/dev/null | sed -n 's/^MainPID=//p')",
  'case "$pid" in "" | 0)',
  "  via=socket",
  "  pid=$(ss -xlpn 2>/dev/null | awk '$5 ~ /\\/docker\\.sock$/ && /\"dockerd\"/' | sed -n 's/.*\"dockerd\",pid=\\([0-9]*\\).*/\\1/p' | head -n 1) ;;",
  "esac",
];

/**
 * `systemctl show -p` without `--value`: EL7's systemd 219 does not know that option. Without a
 * MainPID (a host without systemd), the listener of /var/run/docker.sock as `ss -xlp` names it, when
 * that process is a dockerd.
 *
 * @example facts.get(dockerdCmdline) // { running: true, pid: 812, via: "MainPID", args: ["/usr/bin/dockerd", "-H", "fd://"] }
 */
export const dockerdCmdline: Fact<DockerdCmdline> = {
  name: NAME,
  command: "tr '\\0' ' ' < /proc/$(systemctl show -p MainPID docker | cut -d= -f2)/cmdline",
  stderr: "fold",
  probe: [
    ...DAEMON_PID,
    'if [ -z "$pid" ]; then echo none; exit 0; fi',
    // Read first, then print: a cmdline that cannot be read fails the probe with cat's message.
    'c=$(tr "\\000" "\\n" < "/proc/$pid/cmdline") || exit $?',
    'printf \'pid %s %s\\n%s\\n\' "$pid" "$via" "$c"',
  ].join("\n"),
  parse: parseDockerdCmdline,
};
