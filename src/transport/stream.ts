/**
 * Streaming stdin for the transports: a become prefix (sudo's password line) followed by a
 * ByteSource, counted as it goes, with backpressure. Every transport builds its stdin here, so
 * there is one way bytes are streamed to a host.
 */
import { spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { ByteSource, ExecResult } from "./transport.js";

/**
 * The stdin to pipe into a command: `prefix` (become's lines, may be empty) then the source's
 * bytes; `onProgress` sees the running count of the source's bytes (the prefix is not counted).
 * An error of the source destroys the returned stream, so the command sees a cut stdin.
 */
export function streamedStdin(
  prefix: Buffer | undefined,
  source: ByteSource,
  onProgress?: (bytesSent: number) => void,
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    if (prefix && prefix.length > 0) yield prefix;
    let sent = 0;
    for await (const chunk of source.open()) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      sent += buffer.length;
      onProgress?.(sent);
      yield buffer;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

/**
 * Resolves when a streamed stdin fails (the local command behind a source exited non-zero), as the
 * result of the exec: a pipe cannot end a remote command's stdin after an error, so the transport
 * stops waiting for it and reports the cause. Never settles for a stream that ends well.
 */
export function stdinFailure(stdin: Readable, label: string): Promise<ExecResult> {
  return new Promise((resolve) => {
    stdin.once("error", (error: Error) =>
      resolve({ code: 255, stdout: "", stderr: `ops could not send ${label}: ${error.message}` }),
    );
  });
}

/** Reads a source whole: for the fake transport and tests only (never for real payloads). */
export async function readSource(source: ByteSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of source.open()) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts);
}

/** A local file, streamed. */
export function fileSource(path: string): ByteSource {
  return { label: path, open: () => createReadStream(path) };
}

/** A fixed buffer as a source (tests, small payloads that want progress). */
export function bufferSource(label: string, bytes: Buffer): ByteSource {
  return { label, open: () => Readable.from([bytes]) };
}

export interface CommandSourceOptions {
  /** gzip the command's output in this process (level 1..9); absent: sent as it comes. */
  gzipLevel?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The stdout of a local command (no shell: `argv` is passed as is), e.g. `docker save IMAGE`.
 * A command that exits non-zero makes the stream fail with its stderr's tail, so the host's
 * command sees a cut stdin and the step fails instead of loading half an archive.
 */
export function commandSource(argv: readonly string[], options: CommandSourceOptions = {}): ByteSource {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("commandSource needs a command");
  const label = argv.join(" ") + (options.gzipLevel !== undefined ? " | gzip" : "");
  return {
    label,
    open() {
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
          code === 0 ? resolve() : reject(new Error(`${label} exited ${code}: ${stderr.trim()}`)),
        );
      });
      // Destroying `out` (the host hung up) stops the command too.
      out.on("close", () => child.kill());
      // `out` ends only once the command exited 0: a failed command never looks like a whole archive.
      const piped =
        options.gzipLevel !== undefined
          ? pipeline(child.stdout, createGzip({ level: options.gzipLevel }), out, { end: false })
          : pipeline(child.stdout, out, { end: false });
      Promise.all([piped, exited]).then(
        () => out.end(),
        (error: Error) => out.destroy(error),
      );
      return out;
    },
  };
}
