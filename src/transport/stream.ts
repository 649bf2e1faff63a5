/**
 * Helpers around the transport's streamed stdin (a Readable piped to the host as it is read): a
 * local command's output as a stream, a byte counter for progress, and the guard that ends an exec
 * whose stream failed. The seam itself is `ExecOptions.stdin` (transport.ts).
 */
import { spawn } from "node:child_process";
import { PassThrough, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parallelGzip } from "./parallel-gzip.js";
import type { ExecResult } from "./transport.js";

/** Passes `stream` through, calling `onProgress` with the running byte count. */
export function countBytes(stream: Readable, onProgress: (bytesSent: number) => void): Readable {
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      onProgress(sent);
      done(null, chunk);
    },
  });
  stream.on("error", (error) => counter.destroy(error));
  return stream.pipe(counter);
}

/**
 * Resolves when a streamed stdin fails (the local command behind it exited non-zero), as the
 * result of the exec: a pipe cannot end a remote command's stdin after an error, so the transport
 * stops waiting for it and reports the cause. Never settles for a stream that ends well.
 */
export function stdinFailure(stdin: Readable): Promise<ExecResult> {
  return new Promise((resolve) => {
    stdin.once("error", (error: Error) =>
      resolve({ code: 255, stdout: "", stderr: `ops could not send the step's input: ${error.message}` }),
    );
  });
}

export interface CommandStreamOptions {
  /** gzip the command's output in this process, on several cores (level 1..9); absent or 0: as it comes. */
  gzipLevel?: number;
  /** With gzipLevel: compress a block only while the reader is behind, else store it (parallel-gzip.ts). */
  adaptive?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * The stdout of a local command (no shell: `argv` is passed as is), e.g. `docker save IMAGE`.
 * The stream ends only once the command exited 0; a non-zero exit makes it fail with the stderr's
 * tail, so the host's command sees a cut stdin and the step fails instead of loading half an
 * archive. Destroying the stream (the host hung up) stops the command.
 */
export function commandStream(argv: readonly string[], options: CommandStreamOptions = {}): Readable {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("commandStream needs a command");
  const out = new PassThrough();
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.env ? { env: options.env } : {}),
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString("utf8")).slice(-2000);
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${argv.join(" ")} exited ${code}: ${stderr.trim()}`)),
    );
  });
  out.on("close", () => child.kill());
  const piped =
    options.gzipLevel !== undefined && options.gzipLevel > 0
      ? pipeline(
          child.stdout,
          parallelGzip({ level: options.gzipLevel, adaptive: options.adaptive === true }),
          out,
          { end: false },
        )
      : pipeline(child.stdout, out, { end: false });
  Promise.all([piped, exited]).then(
    () => out.end(),
    (error: Error) => out.destroy(error),
  );
  return out;
}

/**
 * Bytes each reader of a shared source may hold ahead of its host. The source goes at the pace of
 * the slowest reader; with pipe's default 16 KiB every short stall of one host (its engine
 * writing a layer out) stalls all of them, in lock step. A few MiB per host lets each absorb the
 * others' stalls while memory stays bounded (hosts x this).
 */
export const READER_BUFFER = 8 << 20;

/** One source shared by readers that join within a window (see sharedStream). */
export interface SharedStream {
  /** A reader: joins the group waiting to start, or (after it started) gets a source of its own. */
  read(): Readable;
  /** Starts the waiting group now: every reader expected has joined. No-op with no group. */
  start(): void;
}

/**
 * Lets hosts that start reading the same bytes at about the same time share one source: the first
 * read opens nothing yet and waits up to `windowMs` for others to join (or for `start()`, called
 * once every reader expected is in), then one source (one `docker save | gzip`) is piped to every
 * joined reader, paced by the slowest (pipe's backpressure: nothing is buffered beyond each
 * reader's high-water mark). A reader that goes away is unpiped and the others go on; when all
 * have gone the source is destroyed. A reader that comes after the start gets a source of its own,
 * so nothing is ever buffered whole.
 *
 * @example const s = sharedStream(() => commandStream(["docker", "save", ref], { gzipLevel: 1 })); s.read()
 */
export function sharedStream(
  open: () => Readable,
  windowMs = 300,
  bufferBytes = READER_BUFFER,
): SharedStream {
  let group: { readers: PassThrough[]; timer: NodeJS.Timeout } | undefined;
  const begin = (readers: PassThrough[]) => {
    // A reader gone during the window (its host failed) is left out.
    const live = readers.filter((r) => !r.destroyed);
    if (live.length === 0) return;
    let source: Readable;
    try {
      source = open();
    } catch (error) {
      for (const r of live) r.destroy(error as Error);
      return;
    }
    let left = live.length;
    for (const r of live) {
      source.pipe(r);
      r.on("close", () => {
        // unpipe also releases the others when this reader was the one they waited for (drain).
        source.unpipe(r);
        left -= 1;
        if (left === 0 && !source.readableEnded) source.destroy();
      });
    }
    source.on("error", (error) => {
      for (const r of live) r.destroy(error);
    });
  };
  const start = () => {
    if (group === undefined) return;
    const { readers, timer } = group;
    group = undefined;
    clearTimeout(timer);
    begin(readers);
  };
  return {
    read() {
      const reader = new PassThrough({ highWaterMark: bufferBytes });
      if (group !== undefined) group.readers.push(reader);
      else group = { readers: [reader], timer: setTimeout(start, windowMs) };
      return reader;
    },
    start,
  };
}
