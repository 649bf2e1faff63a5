/**
 * The running daemon's own command line, from `/proc/<pid>/cmdline`: what dockerd was really started
 * with (a systemd drop-in, a distribution's sysconfig file), which daemon.json alone cannot show.
 */
import { FactError } from "../../errors.js";
import type { Fact } from "../../facts/fact.js";
import { lines } from "../../facts/text.js";

export type DockerdCmdline =
  | { readonly running: false }
  | { readonly running: true; readonly pid: number; readonly args: readonly string[] };

const NAME = "dockerd-cmdline";

export function parseDockerdCmdline(stdout: string): DockerdCmdline {
  const [head = "", ...args] = lines(stdout);
  if (head === "none") return { running: false };
  const pid = /^pid (\d+)$/.exec(head)?.[1];
  if (pid === undefined) throw new FactError(NAME, `unexpected output "${head.slice(0, 80)}"`);
  return { running: true, pid: Number(pid), args };
}

/**
 * The pid systemd knows for docker.service, else the first `dockerd` process; its arguments one
 * per line (NUL-separated in /proc). `systemctl show -p` without `--value`: EL7's systemd 219
 * does not know that option.
 *
 * @example facts.get(dockerdCmdline) // { running: true, pid: 812, args: ["/usr/bin/dockerd", "-H", "fd://"] }
 */
export const dockerdCmdline: Fact<DockerdCmdline> = {
  name: NAME,
  probe: [
    "pid=$(systemctl show -p MainPID docker 2>/dev/null | sed -n 's/^MainPID=//p')",
    'case "$pid" in "" | 0) pid=$( (pidof dockerd || pgrep -x dockerd) 2>/dev/null | tr " " "\\n" | head -n 1) ;; esac',
    'if [ -z "$pid" ] || [ ! -r "/proc/$pid/cmdline" ]; then echo none; exit 0; fi',
    "printf 'pid %s\\n' \"$pid\"",
    "tr '\\000' '\\n' < \"/proc/$pid/cmdline\"",
  ].join("\n"),
  parse: parseDockerdCmdline,
};
