/** The documented, stable exit codes of `ops`. */
export const EXIT = {
  /** Every host converged (or nothing to do). */
  ok: 0,
  /** Usage or configuration error: bad arguments, inventory, variables or playbook. Nothing ran. */
  config: 1,
  /** At least one host failed or was unreachable (the others still ran). */
  hostFailed: 2,
  /** Drift: `--check` found changes to make, or a compliance check failed. */
  drift: 3,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it), after cleaning up. */
  interrupted: 130,
  /** A bug in ops. */
  internal: 70,
} as const;
