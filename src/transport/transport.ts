/**
 * The one seam for side effects on a host. Everything that touches a host goes through `exec`;
 * ssh.ts, local.ts and fake.ts implement it. Nothing outside src/transport imports node-ssh.
 */

import type { Readable } from "node:stream";

/**
 * Bytes streamed into a command's standard input (an image from `docker save`, a bundle file):
 * opened once per exec and piped with backpressure, so the whole of it is never held in memory nor
 * copied to a temporary file on either side. The one way ops streams bytes to a host.
 */
export interface ByteSource {
  /** What the bytes are, for messages: "docker save team/app:1.0 | gzip". */
  readonly label: string;
  /** A fresh stream of the bytes; called once per exec that sends them. */
  open(): Readable;
}

/** Whether a stdin value is a streamed source rather than bytes in memory. */
export function isByteSource(value: unknown): value is ByteSource {
  return typeof value === "object" && value !== null && !Buffer.isBuffer(value) && "open" in value;
}

export interface ExecOptions {
  /**
   * The command's standard input: file contents and secrets travel here, never in argv. A
   * ByteSource is streamed (see above).
   */
  stdin?: string | Buffer | ByteSource;
  /** Called as stdin bytes are sent, with the total so far (a ByteSource's progress). */
  onProgress?: (bytesSent: number) => void;
  /** Run as root through sudo when the host's `become` is on. Default true (the host's setting decides). */
  become?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Transport {
  /** The inventory name of the host, for messages. */
  readonly host: string;
  /** Runs a POSIX sh script on the host. One call is one round trip. */
  exec(script: string, options?: ExecOptions): Promise<ExecResult>;
  /** Closes the connection; safe to call twice. */
  close(): Promise<void>;
  /** Commands sent so far on this connection; a no-op run sends exactly one. */
  readonly commandCount: number;
}
