/**
 * The control machine's lock of a scheduled check: two runs of one schedule never both run (cron
 * starts a run while the last is still going; someone starts the service by hand). A lock file
 * created exclusively holds the owner's pid; a lock whose process is gone is stale and taken over,
 * one taker at a time (a second exclusive file guards the takeover).
 */
import { mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { dirname } from "node:path";

export interface LockHolder {
  pid: number;
  started: string;
}

/** Thrown when a live process holds the lock. */
export class LockBusy extends Error {
  constructor(
    readonly file: string,
    readonly holder: LockHolder,
  ) {
    super(`another run holds ${file} (pid ${holder.pid}, since ${holder.started})`);
  }
}

function alive(pid: number): boolean {
  // 0 and negative ids name process groups: a lock file holding one names no holder.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function holderOf(file: string): Promise<LockHolder | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as Partial<LockHolder>;
    return typeof parsed.pid === "number"
      ? { pid: parsed.pid, started: String(parsed.started ?? "?") }
      : undefined;
  } catch {
    return undefined;
  }
}

async function create(file: string, me: LockHolder): Promise<boolean> {
  try {
    const handle = await open(file, "wx", 0o600);
    await handle.writeFile(`${JSON.stringify(me)}\n`);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/** A takeover guard older than this was left by a process that died mid-takeover. */
const GUARD_STALE_MS = 60_000;

/**
 * Takes the lock or throws LockBusy; resolves to the function that releases it.
 *
 * @example const release = await acquireLock("/var/lib/ops/locks/check-nightly.lock"); try { ... } finally { await release(); }
 */
export async function acquireLock(
  file: string,
  now: () => Date = () => new Date(),
): Promise<() => Promise<void>> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const me: LockHolder = { pid: process.pid, started: now().toISOString() };
  const release = async () => {
    if ((await holderOf(file))?.pid === process.pid) await unlink(file).catch(() => undefined);
  };
  if (await create(file, me)) return release;
  const holder = await holderOf(file);
  if (holder && alive(holder.pid)) throw new LockBusy(file, holder);
  // Stale: take it over, one taker at a time.
  const guard = `${file}.takeover`;
  const guardAge = await stat(guard).then(
    (s) => Date.now() - s.mtimeMs,
    () => undefined,
  );
  if (guardAge !== undefined && guardAge > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
  if (!(await create(guard, me))) throw new LockBusy(file, holder ?? { pid: 0, started: "?" });
  try {
    const again = await holderOf(file);
    if (again && alive(again.pid)) throw new LockBusy(file, again);
    await unlink(file).catch(() => undefined);
    if (!(await create(file, me)))
      throw new LockBusy(file, (await holderOf(file)) ?? { pid: 0, started: "?" });
    return release;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}
