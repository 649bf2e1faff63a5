/**
 * `ops schedule run <name>`: what a schedule's timer (or cron line) runs. It takes the control
 * machine's lock of the schedule, so two runs never both run, then runs `ops check` with the saved
 * options: history, reports, notify.
 */
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stateDir } from "../compliance/history/open.js";
import { acquireLock, LockBusy } from "../compliance/schedule/lock.js";
import { readSaved } from "../compliance/schedule/saved.js";
import { RunStepFailed } from "../errors.js";
import type { ScheduledCheck } from "../compliance/schedule/spec.js";
import { checkCommand, type CheckCliOptions } from "./check-command.js";
import { configDir, type ScheduleDeps } from "./schedule-command.js";

/**
 * @example await scheduleRun("nightly", { delay: 0 }, localDeps())
 * @throws RunStepFailed when another run of the schedule holds the lock (this one does nothing)
 */
export async function scheduleRun(
  name: string,
  opts: { delay?: number },
  deps: ScheduleDeps,
): Promise<number> {
  const saved = await readSaved(configDir(deps), name);
  if (opts.delay !== undefined && opts.delay > 0) await sleep(Math.floor(Math.random() * opts.delay * 1000));
  let release: () => Promise<void>;
  try {
    release = await acquireLock(join(stateDir(deps.env), "locks", `check-${name}.lock`));
  } catch (err) {
    if (err instanceof LockBusy)
      throw new RunStepFailed(
        "schedule lock",
        "before",
        `schedule ${name}: ${err.message}; this run did nothing`,
      );
    throw err;
  }
  try {
    return await checkCommand(checkOptionsOf(saved.spec.check, name));
  } finally {
    await release();
  }
}

/** The `ops check` options a schedule's saved check runs with (its name labels the metrics). */
export function checkOptionsOf(c: ScheduledCheck, name: string): CheckCliOptions {
  return {
    inventory: c.inventory,
    ...(c.limit !== undefined ? { limit: c.limit } : {}),
    extraVars: c.extraVars,
    forks: c.forks,
    acceptNewHostKeys: false,
    ...(c.knownHosts !== undefined ? { knownHosts: c.knownHosts } : {}),
    ...(c.vaultPasswordFile !== undefined ? { vaultPasswordFile: c.vaultPasswordFile } : {}),
    ...(c.vaultId !== undefined ? { vaultId: c.vaultId } : {}),
    ...(c.policy !== undefined ? { policy: c.policy } : {}),
    ...(c.waivers !== undefined ? { waivers: c.waivers } : {}),
    history: c.history,
    reportDir: c.reportDir,
    ...(c.notify !== undefined ? { notify: c.notify } : {}),
    ...(c.keepRuns !== undefined ? { keepRuns: c.keepRuns } : {}),
    ...(c.keepDays !== undefined ? { keepDays: c.keepDays } : {}),
    ...(c.waiveConfigured === true ? { waiveConfigured: true } : {}),
    // The schedule's name labels its Prometheus series: several schedules share one textfile directory.
    metricsName: name,
    output: "pretty",
  };
}
