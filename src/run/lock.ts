/**
 * Two runs on one host at once are refused. The lock is the file /run/ops.lock (see facts/lock.ts),
 * created with `set -C` so the shell opens it O_EXCL: of two runs racing, exactly one creates it.
 * It lives under /run, so a reboot clears it. It is taken only when a run has steps to apply: a
 * no-op run just reads it in the fact probe, which keeps a no-op run at one round trip.
 */
import { LOCK_PATH, lockFileContent } from "../facts/lock.js";
import { quote } from "../transport/quote.js";

export const LOCK_BUSY_EXIT = 75;

export interface LockHolder {
  owner: string;
  runId: string;
  started: string;
}

/** Script that takes the lock or exits 75 (EX_TEMPFAIL) printing the holder. */
export function acquireLockScript(holder: LockHolder): string {
  return [
    `if (set -C; printf '%s' ${quote(lockFileContent(holder))} > ${LOCK_PATH}) 2>/dev/null; then exit 0; fi`,
    `printf 'held by another ops run:\\n%s\\n' "$(head -c 4096 ${LOCK_PATH} 2>/dev/null)" >&2`,
    `exit ${LOCK_BUSY_EXIT}`,
  ].join("\n");
}

/** Script that releases the lock only if this run holds it. */
export function releaseLockScript(runId: string): string {
  return `if grep -qxF ${quote(`run=${runId}`)} ${LOCK_PATH} 2>/dev/null; then rm -f ${LOCK_PATH}; fi`;
}
