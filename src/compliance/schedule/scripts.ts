/**
 * The scripts that install, remove and inspect a schedule on the control machine. They run through
 * the transport seam (the local transport), so tests read the exact commands. Unit and cron file
 * contents travel on stdin, never in a script.
 */
import { atomicWriteScript } from "../../resources/scripts.js";
import type { ExecOptions } from "../../transport/transport.js";
import { quote } from "../../transport/quote.js";
import type { ScheduleKind, ScheduleSpec } from "./spec.js";
import { cronLine, cronMarker, renderUnits, unitName, type ScheduleTarget } from "./units.js";

export interface Command {
  script: string;
  options?: ExecOptions;
}

/** Prints which kind of schedule this machine takes: systemd where it runs, else cron. */
export const DETECT_SCRIPT = [
  'if [ "$(id -u)" = 0 ]; then who=system; else who=user; fi',
  "if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then",
  '  if [ "$who" = system ] || systemctl --user show-environment >/dev/null 2>&1; then echo "systemd-$who"; exit 0; fi',
  "fi",
  'if [ "$who" = system ] && [ -d /etc/cron.d ]; then echo cron-system; exit 0; fi',
  "if command -v crontab >/dev/null 2>&1; then echo cron-user; exit 0; fi",
  "echo none",
].join("\n");

const systemctl = (t: ScheduleTarget) => (t.kind === "systemd-user" ? "systemctl --user" : "systemctl");

/** Replaces a user's schedule line in their crontab (stdin: the new line, or nothing to remove it). */
const crontabScript = (name: string) =>
  `{ crontab -l 2>/dev/null | grep -vF -- ${quote(cronMarker(name))}; cat; } | crontab -`;

/**
 * @example for (const c of installCommands(spec, target)) await transport.exec(c.script, c.options)
 */
export function installCommands(spec: ScheduleSpec, t: ScheduleTarget): Command[] {
  if (t.kind === "systemd-system" || t.kind === "systemd-user") {
    const { service, timer } = renderUnits(spec, t);
    const write = (file: string, text: string): Command => ({
      script: atomicWriteScript({ path: `${t.unitDir}/${file}`, mode: "0644" }),
      options: { stdin: text },
    });
    return [
      write(unitName(spec.name, "service"), service),
      write(unitName(spec.name, "timer"), timer),
      {
        script: `set -e\n${systemctl(t)} daemon-reload\n${systemctl(t)} enable --now ${quote(unitName(spec.name, "timer"))}`,
      },
    ];
  }
  const line = `${cronLine(spec, t)}\n`;
  if (t.kind === "cron-system" && t.cronFile)
    return [
      {
        script: atomicWriteScript({ path: t.cronFile, mode: "0644" }),
        options: { stdin: `# managed by ops (ops schedule check ${spec.name})\nSHELL=/bin/sh\n${line}` },
      },
    ];
  return [{ script: crontabScript(spec.name), options: { stdin: line } }];
}

/** Stops and removes what installCommands put in place; quiet about parts already gone. */
export function removeCommands(name: string, t: ScheduleTarget): Command[] {
  if (t.kind === "systemd-system" || t.kind === "systemd-user") {
    const files = [unitName(name, "timer"), unitName(name, "service")].map((f) => quote(`${t.unitDir}/${f}`));
    return [
      {
        script: [
          `${systemctl(t)} disable --now ${quote(unitName(name, "timer"))} 2>/dev/null || true`,
          `rm -f -- ${files.join(" ")}`,
          `${systemctl(t)} daemon-reload`,
        ].join("\n"),
      },
    ];
  }
  if (t.kind === "cron-system" && t.cronFile) return [{ script: `rm -f -- ${quote(t.cronFile)}` }];
  return [{ script: crontabScript(name), options: { stdin: "" } }];
}

/** Prints `key=value` lines about a schedule's timer and last run (systemd), or its cron line. */
export function statusScript(name: string, kind: ScheduleKind, t: ScheduleTarget): string {
  if (kind === "systemd-system" || kind === "systemd-user")
    return [
      `${systemctl(t)} show ${quote(unitName(name, "timer"))} -p ActiveState -p NextElapseUSecRealtime -p LastTriggerUSec 2>/dev/null`,
      `${systemctl(t)} show ${quote(unitName(name, "service"))} -p Result -p ExecMainStatus -p ActiveState -p ExecMainExitTimestamp 2>/dev/null | sed 's/^/service./'`,
    ].join("\n");
  if (kind === "cron-system" && t.cronFile)
    return `grep -v '^#' ${quote(t.cronFile)} 2>/dev/null | sed -n 's/^/cron=/p'`;
  return `crontab -l 2>/dev/null | grep -F -- ${quote(cronMarker(name))} | sed 's/^/cron=/'`;
}
