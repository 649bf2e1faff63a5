/**
 * The documented, stable exit codes of `ops`, and the one rule that turns a run's result into one.
 * Nothing else in ops chooses how the process ends.
 */
import { failsRun, reportStatus } from "../checks/check.js";
import type { HostResult, RunCommand } from "../events.js";

export const EXIT = {
  /** Every host converged, every check passed (or is waived), or nothing to do. */
  ok: 0,
  /** Usage or configuration error: bad arguments, inventory, variables or playbook. Nothing ran. */
  config: 1,
  /** At least one host failed or was unreachable (the others still ran); for verify also a failed check. */
  hostFailed: 2,
  /** Drift: `--check` found changes to make, or a compliance check failed. */
  drift: 3,
  /** Stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) or a closed output, after releasing locks and cleaning up. */
  interrupted: 130,
  /** A bug in ops. */
  internal: 70,
} as const;

export interface RunOutcome {
  command: RunCommand;
  hosts: readonly HostResult[];
  /** `--check`: planning only. */
  check: boolean;
  interrupted: boolean;
}

const broken = (h: HostResult) =>
  h.status === "failed" || h.status === "unreachable" || h.status === "not-started";

/**
 * The exit code of a run.
 * - run: 2 when a host failed, was unreachable or did not start; 3 when `--check` found changes.
 * - verify: 2 when a host failed or any check did not pass.
 * - check (compliance): 2 when a host could not be checked or a check could not judge (an error:
 *   a fact it reads could not be read, which is a host not checked for that id); else 3 when a
 *   check (drift or baseline) failed and is not waived; else 0. Drift arrives as drift.* checks, so
 *   it is waivable. A check that does not apply fails nothing.
 * An interrupted run is 130 whatever the hosts say.
 *
 * @example exitCodeFor({ command: "run", hosts, check: true, interrupted: false }) // 3 when a host would change
 */
export function exitCodeFor(outcome: RunOutcome): number {
  if (outcome.interrupted) return EXIT.interrupted;
  const hosts = outcome.hosts;
  if (hosts.some(broken)) return EXIT.hostFailed;
  // A waived failure is reported, but it fails nothing; an error is never waived.
  const failedChecks = hosts.some((h) => h.checks.some(failsRun));
  switch (outcome.command) {
    case "run":
      if (failedChecks) return EXIT.hostFailed;
      return outcome.check && hosts.some((h) => h.status === "changed") ? EXIT.drift : EXIT.ok;
    case "verify":
      return failedChecks ? EXIT.hostFailed : EXIT.ok;
    case "check":
      // Drift is reported as drift.* checks, so a waived drift fails nothing, like any waived check.
      if (hosts.some((h) => h.checks.some((c) => reportStatus(c) === "error"))) return EXIT.hostFailed;
      return failedChecks ? EXIT.drift : EXIT.ok;
  }
}
