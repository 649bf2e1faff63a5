/**
 * The one seam for side effects on a host. Everything that touches a host goes through `exec`;
 * ssh.ts, local.ts and fake.ts implement it. Nothing outside src/transport imports node-ssh.
 */

import type { Readable } from "node:stream";

/**
 * What a command reads on stdin. A Readable is piped to the host as it is read, never held whole in
 * memory: the one way large payloads (a bundle, a `docker save` stream) reach a host.
 */
export type StdinSource = string | Buffer | Readable;

export interface ExecOptions {
  /** Bytes for the command's standard input: file contents and secrets travel here, never in argv. */
  stdin?: StdinSource;
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
