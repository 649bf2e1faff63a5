/**
 * The per-host run lock. A run writes /run/ops.lock (tmpfs: a reboot clears a stale lock) and
 * refuses a host whose lock belongs to another run.
 */
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

export const LOCK_PATH = "/run/ops.lock";

export interface LockOwner {
  /** Who holds it, e.g. "alice@laptop". */
  readonly owner: string | null;
  readonly runId: string | null;
  /** ISO time the run started. */
  readonly started: string | null;
}

export type LockInfo = { readonly locked: false } | ({ readonly locked: true } & LockOwner);

/**
 * The lock file's content, `key=value` lines; the runner writes it with this.
 *
 * @example lockFileContent({ owner: "alice@laptop", runId: "r-1", started: "2024-05-01T10:00:00Z" })
 */
export function lockFileContent(lock: { owner: string; runId: string; started: string }): string {
  const clean = (s: string): string => s.replace(/[\r\n]/g, " ");
  return `owner=${clean(lock.owner)}\nrun=${clean(lock.runId)}\nstarted=${clean(lock.started)}\n`;
}

export function parseLock(stdout: string): LockInfo {
  const [head, ...body] = lines(stdout);
  if (head !== "locked") return { locked: false };
  const kv = new Map<string, string>();
  for (const line of body) {
    const at = line.indexOf("=");
    if (at > 0) kv.set(line.slice(0, at), line.slice(at + 1));
  }
  return {
    locked: true,
    owner: kv.get("owner") ?? null,
    runId: kv.get("run") ?? null,
    started: kv.get("started") ?? null,
  };
}

/** @example const l = facts.get(lock); if (l.locked && l.runId !== myRun) refuse(l.owner) */
export const lock: Fact<LockInfo> = {
  name: "lock",
  probe: `if [ -e ${LOCK_PATH} ]; then echo locked; head -c 4096 ${LOCK_PATH}; echo; else echo unlocked; fi`,
  parse: parseLock,
};
