/**
 * The webhook queue on disk, so that events waiting for delivery survive a restart of the service
 * (a new image, a crash, the host rebooting). One file per event in the service's state folder,
 * `<key>.json`, written whole or not at all (temporary file, fsync, rename); removed once a receiver
 * accepted the event or it was given up. The file holds the event's body and the webhook's name,
 * never its URL or secret: those are read from policy.json when the event is sent, so a secret lives
 * in one file only and a webhook removed from the inventory gets nothing more.
 */
import { readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "../../fs/write-atomic.js";
import { EVENT_TYPES, type EventType } from "./config.js";

export interface StoredJob {
  /** The file's name without `.json`: the time it was queued, then a counter, then the id. Sorts oldest first. */
  readonly key: string;
  /** X-Ops-Delivery: the same on every attempt and after a restart, so a receiver can drop a repeat. */
  readonly id: string;
  readonly project: string;
  readonly webhook: string;
  readonly type: EventType;
  readonly body: string;
  /** Attempts made so far. */
  readonly attempt: number;
  /** Milliseconds since the epoch before which the next attempt is not made. */
  readonly dueAt: number;
}

/** No event body comes near this; a larger file is not one the service wrote. */
const FILE_MAX = 1024 * 1024;
const KEY = /^[0-9]{15}-[0-9]{6}-[0-9a-f-]{36}$/;

/** A key that sorts by queueing time, then by order within one process. */
export function jobKey(at: number, seq: number, id: string): string {
  return `${String(Math.max(0, Math.floor(at))).padStart(15, "0")}-${String(seq % 1_000_000).padStart(6, "0")}-${id}`;
}

/** A stored job read back, or null when the text is not one (what the service never writes). */
export function parseStoredJob(text: string, key: string): StoredJob | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const strings = ["id", "project", "webhook", "body"].every((k) => typeof o[k] === "string");
  const numbers = ["attempt", "dueAt"].every((k) => typeof o[k] === "number" && Number.isFinite(o[k]));
  if (!strings || !numbers || o.key !== key || !EVENT_TYPES.includes(o.type as EventType)) return null;
  return o as unknown as StoredJob;
}

export class JobStore {
  /** The last write or removal of each key: the next one waits for it, so they land in order. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  /** Writes (or rewrites) a job's file; resolves once it is on disk. */
  save(job: StoredJob): Promise<void> {
    return this.chain(job.key, () =>
      writeFileAtomic(this.file(job.key), `${JSON.stringify(job)}\n`, { mode: 0o600, durable: true }),
    );
  }

  remove(key: string): Promise<void> {
    return this.chain(key, () =>
      unlink(this.file(key)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      }),
    );
  }

  /** Resolves when every write and removal asked for so far has ended (the service is stopping). */
  async flush(): Promise<void> {
    await Promise.all(this.tails.values());
  }

  /**
   * The jobs on disk, oldest first, read once at start. Leftovers of a write cut short (`*.tmp`) and
   * files that are not a job are removed and named in `bad`.
   */
  load(): { jobs: StoredJob[]; bad: string[] } {
    const jobs: StoredJob[] = [];
    const bad: string[] = [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { jobs, bad };
      throw e;
    }
    for (const name of names.sort()) {
      const path = join(this.dir, name);
      const key = name.endsWith(".json") ? name.slice(0, -".json".length) : "";
      let job: StoredJob | null = null;
      if (KEY.test(key)) {
        const s = statSync(path);
        if (s.isFile() && s.size <= FILE_MAX) job = parseStoredJob(readFileSync(path, "utf8"), key);
      }
      if (job !== null) jobs.push(job);
      else {
        bad.push(name);
        try {
          unlinkSync(path);
        } catch {
          // A folder or a file we may not remove: named in `bad`, left alone.
        }
      }
    }
    return { jobs, bad };
  }

  private file(key: string): string {
    return join(this.dir, `${key}.json`);
  }

  private chain(key: string, op: () => Promise<void>): Promise<void> {
    const next = (this.tails.get(key) ?? Promise.resolve()).then(op);
    // The tail never holds a rejection (the caller gets it); it is dropped once nothing follows it.
    const settled = next.catch(() => undefined);
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }
}
