/**
 * Helpers around the transport's streamed stdin (a Readable piped to the host as it is read): a
 * local command's output as a stream, a byte counter for progress, and the guard that ends an exec
 * whose stream failed. The seam itself is `ExecOptions.stdin` (transport.ts).
 */
import { spawn } from "node:child_process";
import { PassThrough, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
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
  /** gzip the command's output in this process (level 1..9); absent: sent as it comes. */
  gzipLevel?: number;
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
    options.gzipLevel !== undefined
      ? pipeline(child.stdout, createGzip({ level: options.gzipLevel }), out, { end: false })
      : pipeline(child.stdout, out, { end: false });
  Promise.all([piped, exited]).then(
    () => out.end(),
    (error: Error) => out.destroy(error),
  );
  return out;
}
