/**
 * gzip on more than one core: the input is cut into blocks, each block compressed as a gzip member
 * of its own on libuv's thread pool, several at once, and the members sent in order. A series of
 * members is one gzip file (RFC 1952 §2.2): docker load (Go's gzip reader), gzip -d and unpigz read
 * it whole. pigz does the same; the cost is a dictionary reset per block (about 0.1% bigger at
 * 1 MiB). A single zlib stream runs on one thread, and was the slowest stage of a shared save.
 *
 * `adaptive`: each block is compressed only while the reader is behind (output is still waiting to
 * be read, so compressing costs no time); a block cut while the reader waits for output goes as a
 * stored member (level 0: no deflate work, still gzip, so the host reads one file either way). On a
 * slow link nearly every block is compressed; where the link outruns the compressor (a fast LAN, a
 * few hosts), the stream stops waiting for gzip. Like zstd --adapt, per block.
 */
import { Transform, type TransformCallback } from "node:stream";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

const gzipAsync = promisify(gzip);

export interface ParallelGzipOptions {
  level: number;
  /** Bytes per member. */
  blockBytes?: number;
  /** Members compressed at once at most: memory stays about 2 x inFlight x blockBytes. */
  inFlight?: number;
  /** Store (level 0) the blocks cut while the reader waits for output; see the module comment. */
  adaptive?: boolean;
}

/** @example commandOutput.pipe(parallelGzip({ level: 1 })) // a gzip stream, members of 1 MiB */
export function parallelGzip(options: ParallelGzipOptions): Transform {
  const blockBytes = options.blockBytes ?? 1 << 20;
  const inFlight = options.inFlight ?? 4;
  let parts: Buffer[] = [];
  let held = 0;
  const pending: Promise<Buffer>[] = [];
  let members = 0;
  // Whether the last member pushed found the reader behind (its buffer full: push said to wait, or
  // the pipe paused this stream), so compressing the next block costs no time. Until the first
  // member, and whenever the reader took the last one at once, it waits for output.
  let readerBehind = false;
  const levelFor = () => (options.adaptive === true && !readerBehind ? 0 : options.level);
  const compress = (block: Buffer, level: number) => {
    members += 1;
    const p = gzipAsync(block, { level });
    // Handled where it is awaited, in order; this only keeps an early failure from being unhandled.
    p.catch(() => undefined);
    pending.push(p);
  };
  const cut = () => {
    const all = Buffer.concat(parts, held);
    let at = 0;
    for (; all.length - at >= blockBytes; at += blockBytes)
      compress(all.subarray(at, at + blockBytes), levelFor());
    parts = at < all.length ? [all.subarray(at)] : [];
    held = all.length - at;
  };
  // Sends finished members in order until at most `keep` are still being compressed.
  const sendUntil = async (stream: Transform, keep: number) => {
    while (pending.length > keep) {
      const pushed = stream.push(await (pending.shift() as Promise<Buffer>));
      // A piped reader whose destination is full pauses this stream as it takes the member.
      readerBehind = !pushed || stream.readableFlowing === false;
    }
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      parts.push(chunk);
      held += chunk.length;
      if (held >= blockBytes) cut();
      // Waiting here is the backpressure: no more input is taken while `inFlight` blocks are busy.
      sendUntil(this, inFlight - 1).then(() => done(), done);
    },
    flush(done: TransformCallback) {
      // Empty input still gives a gzip file (one empty member), as gzip itself does.
      if (held > 0 || members === 0) compress(Buffer.concat(parts, held), levelFor());
      parts = [];
      held = 0;
      sendUntil(this, 0).then(() => done(), done);
    },
  });
}
