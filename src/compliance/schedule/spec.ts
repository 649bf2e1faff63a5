/**
 * A scheduled compliance check: its name, when it runs (a systemd calendar, or a cron line where
 * there is no systemd), and the `ops check` options it runs with, every path absolute. Saved as
 * JSON readable only by its owner (it may hold a notify URL with a token, or a database URL), so
 * no secret is ever on a command line or in a unit file.
 */
import { ConfigError } from "../../errors.js";

export interface ScheduledCheck {
  inventory: string;
  limit?: string;
  extraVars: string[];
  policy?: string;
  waivers?: string;
  history: string;
  reportDir: string;
  notify?: string;
  forks: number;
  knownHosts?: string;
  /** History retention: keep the newest N runs, and runs younger than D days. */
  keepRuns?: number;
  keepDays?: number;
  /** `--waive-configured`: what the inventory configures is waived, naming the variable. */
  waiveConfigured?: boolean;
  /** Vault password files (absolute), as --vault-password-file: the files, never a password. */
  vaultPasswordFile?: string[];
  /** `ID@FILE` (absolute), as --vault-id. */
  vaultId?: string[];
}

export interface ScheduleSpec {
  name: string;
  /** systemd OnCalendar, e.g. "*-*-* 02:00:00" or "daily". */
  onCalendar: string;
  /** The five cron fields, for machines without systemd. */
  cron: string;
  /** Seconds: a random delay before each run (RandomizedDelaySec; cron sleeps it). */
  randomizedDelaySec: number;
  check: ScheduledCheck;
}

/** What a schedule is installed as. */
export type ScheduleKind = "systemd-system" | "systemd-user" | "cron-system" | "cron-user";

export const DEFAULT_ON_CALENDAR = "*-*-* 02:00:00";
export const DEFAULT_CRON = "0 2 * * *";

/** Names become unit and file names: letters, digits and dashes only. */
export function checkScheduleName(name: string): void {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name))
    throw new ConfigError(
      `schedule name '${name}' may hold only lowercase letters, digits and dashes`,
      { path: "--name" },
      "for example: nightly",
    );
}

/** A calendar or cron spec becomes one line of a unit or crontab: nothing may end that line early. */
export function checkTimes(onCalendar: string, cron: string): void {
  // eslint-disable-next-line no-control-regex -- control characters would break the unit file
  if (onCalendar.trim() === "" || /[\u0000-\u001f%$\\]/.test(onCalendar))
    throw new ConfigError(
      `'${onCalendar}' is not a calendar spec`,
      { path: "--on-calendar" },
      'e.g. "*-*-* 02:00:00" or "daily"',
    );
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => /^[0-9*/,-]+$|^[A-Za-z]{3}$/.test(f)))
    throw new ConfigError(`'${cron}' is not five cron fields`, { path: "--cron" }, 'e.g. "0 2 * * *"');
}
