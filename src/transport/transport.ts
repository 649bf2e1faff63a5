/**
 * The one seam for side effects on a host. Everything that touches a host goes through `exec`;
 * ssh.ts, local.ts and fake.ts implement it. Nothing outside src/transport imports node-ssh.
 */

import type { Readable, Writable } from "node:stream";
import type { NextStage, StagedResult } from "./staged.js";

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
  /** Sees each chunk of stdout as it arrives (a staged command answers its first stage on it). */
  onStdout?: (chunk: Buffer) => void;
  /** Sees each chunk of stderr as it arrives (a staged command watches it for sudo's refusal). */
  onStderr?: (chunk: Buffer) => void;
  /**
   * Where stdout goes instead of the result, as it arrives and at the pace `stdout` reads it (the
   * channel is paused while it is full): an image archive, which must not be held in memory.
   * The result's stdout is then empty; the sink is not ended.
   */
  stdout?: Writable;
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
  /**
   * Runs `first`, hands what it printed to `next` and runs the script `next` returns in the same
   * command (see staged.ts): one command, one channel. `stdout` of the result is the second stage's.
   */
  execStaged(first: string, next: NextStage, options?: Pick<ExecOptions, "become">): Promise<StagedResult>;
  /** Closes the connection; safe to call twice. */
  close(): Promise<void>;
  /** Commands sent so far on this connection; a no-op run sends exactly one. */
  readonly commandCount: number;
}
