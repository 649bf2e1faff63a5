/**
 * Tar writing and reading for bundles (tar-stream: ustar with pax headers, streamed). Entries are
 * regular files only; a name that is absolute, climbs with `..` or is not plain text is refused on
 * both sides, so unpacking a bundle can never write outside its folder.
 */
import { createReadStream } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { extract, pack } from "tar-stream";

export interface TarEntry {
  readonly name: string;
  readonly data: Buffer;
}

const SAFE_NAME = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._+~^@:/-]{1,255}$/;

/** A name fit for a bundle: relative, no `.`/`..` components, plain characters. */
export function isSafeEntryName(name: string): boolean {
  return SAFE_NAME.test(name) && !name.endsWith("/");
}

/** Writes `entries` in order as one tar (mtime 0, root-owned, 0644) to `out`. */
export async function writeTar(
  entries: AsyncIterable<TarEntry> | Iterable<TarEntry>,
  out: Writable,
): Promise<void> {
  const tar = pack();
  const done = pipeline(tar, out);
  for await (const e of entries) {
    if (!isSafeEntryName(e.name)) throw new Error(`refusing tar entry name "${e.name.slice(0, 100)}"`);
    await new Promise<void>((resolve, reject) =>
      tar.entry(
        { name: e.name, size: e.data.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 },
        e.data,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  tar.finalize();
  await done;
}

/** One tar in memory (a docker-archive inside a bundle). */
export async function tarBuffer(entries: readonly TarEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const { Writable } = await import("node:stream");
  await writeTar(
    entries,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(chunks);
}

export interface ReadEntry {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  /** The entry's bytes; must be read (or left: it is drained) before the next entry comes. */
  readonly stream: AsyncIterable<Buffer>;
}

/**
 * Calls `onEntry` for every entry of the tar at `source`, in order. Entries that are not regular
 * files or have unsafe names are passed with their type so the caller refuses them.
 */
export async function readTar(
  source: string | Readable,
  onEntry: (e: ReadEntry) => Promise<void>,
): Promise<void> {
  const input = typeof source === "string" ? createReadStream(source) : source;
  const ex = extract();
  const done = pipeline(input, ex);
  try {
    for await (const entry of ex) {
      await onEntry({
        name: entry.header.name,
        size: entry.header.size ?? 0,
        type: entry.header.type ?? "file",
        stream: entry as AsyncIterable<Buffer>,
      });
      entry.resume();
    }
  } catch (err) {
    // A refused entry stops the read: the file and the parser are closed, and their own
    // "premature close" is not a second error.
    input.destroy();
    ex.destroy();
    await done.catch(() => undefined);
    throw err;
  }
  await done;
}
