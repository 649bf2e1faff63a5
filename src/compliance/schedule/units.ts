/**
 * What a schedule installs, as text: the systemd service and timer (from templates/systemd/), or
 * the cron line; and where each goes for root (system units, /etc/cron.d) or a user (user units,
 * the user's crontab). Pure.
 */
import { join } from "node:path";
import { ConfigError } from "../../errors.js";
import { printable } from "../../report/printable.js";
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

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Every value that goes into a unit file or a cron line, checked first: a newline would start a line
 * of its own (a second crontab entry, an extra `ExecStartPre=`), and no quoting of systemd or cron
 * can hold one, so a value with any control character is refused, naming where it came from.
 * (`%`, `$`, quotes and backslashes are escaped by each format's own rules.)
 */
function assertWritable(spec: ScheduleSpec, t: ScheduleTarget, into: string): void {
  const values: [string, string][] = [
    ["HOME", t.home],
    ["the node binary's path", t.node],
    ["ops's path", t.opsBin],
    ["--name", spec.name],
    ["--on-calendar", spec.onCalendar],
    ["--cron", spec.cron],
  ];
  for (const [what, value] of values)
    if (CONTROL.test(value))
      throw new ConfigError(
        `${what} '${printable(value)}' holds a control character (a newline would add a line to ${into}); nothing was installed`,
        { path: what },
        what === "HOME" ? "run ops schedule with a HOME that is a plain path" : undefined,
      );
}

/** The command a schedule runs: this node, this ops, `schedule run <name>`. */
const command = (t: ScheduleTarget, name: string) => [t.node, t.opsBin, "schedule", "run", name];

/** @example renderUnits(spec, target).timer.includes("Persistent=true") */
export function renderUnits(spec: ScheduleSpec, t: ScheduleTarget): { service: string; timer: string } {
  assertWritable(spec, t, "the unit");
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
 * The crontab line: cron's own `%` escaped in the whole command (HOME's value too: cron reads `%` as a
 * newline anywhere after the time fields); the delay is slept by `ops schedule run --delay`.
 *
 * @example cronLine(spec, target) // "0 2 * * * root /usr/bin/node /opt/ops/bin/ops.js schedule run nightly --delay 1800 # ops-check nightly"
 */
export function cronLine(spec: ScheduleSpec, t: ScheduleTarget): string {
  assertWritable(spec, t, "the crontab");
  const words = [...command(t, spec.name), "--delay", String(spec.randomizedDelaySec)];
  const cmd = `HOME=${quote(t.home)} ${words.map(quote).join(" ")}`.replace(/%/g, "\\%");
  const user = t.kind === "cron-system" ? " root" : "";
  return `${spec.cron.trim()}${user} ${cmd} ${cronMarker(spec.name)}`;
}
