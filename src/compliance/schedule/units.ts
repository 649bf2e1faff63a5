/**
 * What a schedule installs, as text: the systemd service and timer (from templates/systemd/), or
 * the cron line; and where each goes for root (system units, /etc/cron.d) or a user (user units,
 * the user's crontab). Pure.
 */
import { join } from "node:path";
import { renderTemplate } from "../../resources/render.js";
import { quote } from "../../transport/quote.js";
import type { ScheduleKind, ScheduleSpec } from "./spec.js";

export interface ScheduleTarget {
  kind: ScheduleKind;
  /** Where unit files go (systemd kinds). */
  unitDir: string;
  /** Where schedules are saved. */
  configDir: string;
  /** The cron.d file (cron-system). */
  cronFile?: string;
  home: string;
  /** The node binary and ops's bin/ops.js, absolute: the unit runs exactly this ops. */
  node: string;
  opsBin: string;
}

/**
 * The paths for a kind of schedule.
 *
 * @example targetFor("systemd-user", "nightly", { home: "/home/ann", node, opsBin })
 */
export function targetFor(
  kind: ScheduleKind,
  name: string,
  o: { home: string; node: string; opsBin: string; xdgConfigHome?: string },
): ScheduleTarget {
  const system = kind === "systemd-system" || kind === "cron-system";
  const config = o.xdgConfigHome?.startsWith("/") ? o.xdgConfigHome : join(o.home, ".config");
  return {
    kind,
    unitDir: system ? "/etc/systemd/system" : join(config, "systemd", "user"),
    configDir: system ? "/etc/ops/schedules" : join(config, "ops", "schedules"),
    ...(kind === "cron-system" ? { cronFile: `/etc/cron.d/ops-check-${name}` } : {}),
    home: o.home,
    node: o.node,
    opsBin: o.opsBin,
  };
}

export const unitName = (name: string, suffix: "service" | "timer"): string => `ops-check-${name}.${suffix}`;

/**
 * One word of an ExecStart line: double-quoted, with systemd's own specials escaped (`%` starts a
 * specifier, `$` an environment variable).
 *
 * @example systemdQuote("/opt/my ops/bin/ops.js") === '"/opt/my ops/bin/ops.js"'
 */
export function systemdQuote(word: string): string {
  return `"${word.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%").replace(/\$/g, "$$$$")}"`;
}

/** The command a schedule runs: this node, this ops, `schedule run <name>`. */
const command = (t: ScheduleTarget, name: string) => [t.node, t.opsBin, "schedule", "run", name];

/** @example renderUnits(spec, target).timer.includes("Persistent=true") */
export function renderUnits(spec: ScheduleSpec, t: ScheduleTarget): { service: string; timer: string } {
  const execStart = command(t, spec.name).map(systemdQuote).join(" ");
  return {
    service: renderTemplate("systemd/ops-check.service.ejs", {
      name: spec.name,
      execStart,
      home: systemdQuote(t.home),
      system: t.kind === "systemd-system",
    }),
    timer: renderTemplate("systemd/ops-check.timer.ejs", {
      name: spec.name,
      onCalendar: spec.onCalendar,
      randomizedDelaySec: spec.randomizedDelaySec,
    }),
  };
}

/** The marker that finds a schedule's line in a user's crontab. */
export const cronMarker = (name: string): string => `# ops-check ${name}`;

/**
 * The crontab line: cron's own `%` escaped; the delay is slept by `ops schedule run --delay`.
 *
 * @example cronLine(spec, target) // "0 2 * * * root /usr/bin/node /opt/ops/bin/ops.js schedule run nightly --delay 1800 # ops-check nightly"
 */
export function cronLine(spec: ScheduleSpec, t: ScheduleTarget): string {
  const words = [...command(t, spec.name), "--delay", String(spec.randomizedDelaySec)];
  const cmd = words.map(quote).join(" ").replace(/%/g, "\\%");
  const user = t.kind === "cron-system" ? " root" : "";
  return `${spec.cron.trim()}${user} HOME=${quote(t.home)} ${cmd} ${cronMarker(spec.name)}`;
}
