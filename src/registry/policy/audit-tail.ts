/**
 * Follows nginx's audit log (one JSON line per request, mounted read-only) from where it last
 * stopped, across audit-rotate.sh's rotation (audit.log -> audit.log.1 -> ... -> audit.log.N), and
 * keeps its place (the file's inode and an offset) in the service's state folder, so a restart
 * resumes there: what was logged while the service was down is read after it. Only complete lines
 * are returned; the place moves on when the caller commits them (after it acted on them), so a
 * stop between reading and committing reads them again (at least once, never skipped).
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "../../fs/write-atomic.js";

export interface TailPlace {
  readonly ino: number;
  readonly offset: number;
}

export interface TailChunk {
  readonly lines: string[];
  /** The place after these lines: pass it to commit() once they are handled. */
  readonly next: TailPlace;
}

/**
 * A rotated file is left only once nothing was written to it for this long: nginx writes into
 * the file it has open until it reopens its log (USR1), a moment after the rename.
 */
const SETTLED_MS = 2000;

interface LogFile {
  readonly path: string;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

function stat(path: string): LogFile | null {
  try {
    const s = statSync(path);
    return s.isFile() ? { path, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/** A saved place, or null when the text is not one. */
export function parsePlace(text: string): TailPlace | null {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const ok = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
    return typeof v === "object" && v !== null && ok(v.ino) && ok(v.offset)
      ? { ino: v.ino, offset: v.offset }
      : null;
  } catch {
    return null;
  }
}

export class AuditTail {
  private place: TailPlace | null;

  /**
   * @param log the log nginx writes (`.../audit.log`); rotated files are `<log>.1`, `<log>.2`...
   * @param placeFile where the place is kept ("" for memory only)
   */
  constructor(
    private readonly log: string,
    private readonly placeFile: string,
    private readonly clock: () => number = Date.now,
  ) {
    this.place = null;
    if (placeFile !== "") {
      try {
        this.place = parsePlace(readFileSync(placeFile, "utf8"));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
  }

  /** The log files present, newest first: the log, then `<log>.1`, `<log>.2`... */
  private files(): LogFile[] {
    const base = basename(this.log);
    const rotated = readdirSync(dirname(this.log))
      .map((name) => (name.startsWith(`${base}.`) ? name.slice(base.length + 1) : ""))
      .filter((n) => /^[1-9][0-9]{0,2}$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
    return [this.log, ...rotated.map((n) => `${this.log}.${n}`)]
      .map(stat)
      .filter((f): f is LogFile => f !== null);
  }

  /**
   * Up to `max` bytes of complete lines after the place, or null when there is nothing new. With no
   * place kept (the first start, or forget() before), the place becomes the log's end: what was
   * logged before is not read.
   */
  read(max: number): TailChunk | null {
    const files = this.files();
    if (this.place === null) {
      this.place = { ino: files[0]?.ino ?? 0, offset: files[0]?.size ?? 0 };
      return { lines: [], next: this.place };
    }
    const at = this.place;
    let i = files.findIndex((f) => f.ino === at.ino && f.size >= at.offset);
    let offset = at.offset;
    if (i < 0) {
      // The file is gone (rotated out while the service was down) or was cut short: every file
      // present is newer than the place, read them from the oldest.
      i = files.length - 1;
      offset = 0;
    }
    for (; i >= 0; i--, offset = 0) {
      const f = files[i] as LogFile;
      if (offset < f.size) {
        const chunk = this.chunk(f, offset, max);
        // Only part of a line so far (nginx is writing it): nothing yet.
        return chunk.next.ino === at.ino && chunk.next.offset === at.offset ? null : chunk;
      }
      const settled = this.clock() - f.mtimeMs >= SETTLED_MS;
      if (i === 0 || !settled) break;
      // A rotated file read to its end: on to the next newer one.
      this.place = { ino: (files[i - 1] as LogFile).ino, offset: 0 };
    }
    return this.place.ino !== at.ino || this.place.offset !== at.offset
      ? { lines: [], next: this.place }
      : null;
  }

  private chunk(f: LogFile, offset: number, max: number): TailChunk {
    const buffer = Buffer.alloc(Math.min(max, f.size - offset));
    const fd = openSync(f.path, "r");
    let got = 0;
    try {
      got = readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    const end = buffer.subarray(0, got).lastIndexOf(10);
    // No newline in a full chunk: a line longer than any nginx writes; it is passed over whole.
    const used = end >= 0 ? end + 1 : got === max ? got : 0;
    const text = buffer.subarray(0, end >= 0 ? end : 0).toString("utf8");
    return { lines: end >= 0 ? text.split("\n") : [], next: { ino: f.ino, offset: offset + used } };
  }

  /** Moves the place after lines handled, and keeps it on disk (durable) before resolving. */
  async commit(next: TailPlace): Promise<void> {
    this.place = next;
    if (this.placeFile !== "")
      await writeFileAtomic(this.placeFile, `${JSON.stringify(next)}\n`, { mode: 0o600, durable: true });
  }

  /** Drops the place (nothing wants the lines now): the next read starts at the log's end. */
  forget(): void {
    if (this.place === null) return;
    this.place = null;
    if (this.placeFile === "") return;
    try {
      unlinkSync(this.placeFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

/** Where the service keeps its place in the audit log, in its state folder. */
export const placeFile = (stateDir: string): string =>
  stateDir === "" ? "" : join(stateDir, ".audit-place");
