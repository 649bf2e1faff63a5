/**
 * The one seam for side effects on a host. Everything that touches a host goes through `exec`;
 * ssh.ts, local.ts and fake.ts implement it. Nothing outside src/transport imports node-ssh.
 */

export interface ExecOptions {
  /** Bytes for the command's standard input: file contents and secrets travel here, never in argv. */
  stdin?: string | Buffer;
  /** Run as root through sudo when the host's `become` is on. Default true (the host's setting decides). */
  become?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

import type { NextStage, StagedResult } from "./staged.js";

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
