/**
 * The local transport: the same exec contract as SSH, run on this machine through zx. Used for
 * `ansible_connection: local`-style hosts and to prove the become wrapper against a real sh.
 */
import { Readable } from "node:stream";
import { $ } from "zx";
import { ConnectError } from "../errors.js";
import { assertBecame, buildBecome } from "./become.js";
import { quote } from "./quote.js";
import { stdinFailure } from "./stream.js";
import { runStaged, type NextStage, type StagedResult } from "./staged.js";
import type { ExecOptions, ExecResult, Transport } from "./transport.js";

export interface LocalOptions {
  /** Run through sudo when an exec asks for become (default: the host's `become`). */
  become?: boolean;
  /** Secret; reaches sudo on stdin only. */
  becomePassword?: string;
  /** Whether this process is root (so sudo is skipped). Default: its uid is 0. Tests override it. */
  isRoot?: boolean;
  /** Extra environment, e.g. a PATH with a fake sudo in tests. */
  env?: NodeJS.ProcessEnv;
}

/** Runs scripts with /bin/sh on this machine; become uses sudo unless the process is already root. */
export class LocalTransport implements Transport {
  #commands = 0;
  #closed = false;

  constructor(
    readonly host: string,
    private readonly options: LocalOptions = {},
  ) {}

  get commandCount(): number {
    return this.#commands;
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.#closed) throw new ConnectError(this.host, "the local transport was closed");
    const command = buildBecome({
      script,
      stdin: options.stdin,
      become: (options.become ?? true) && (this.options.become ?? false),
      isRoot: this.options.isRoot ?? process.getuid?.() === 0,
      password: this.options.becomePassword,
    });
    this.#commands += 1;
    // POSIX sh with our own quoting, and no zx prefix (`set -euo pipefail` is bash's and the
    // script's business), so the local command line is exactly what SSH would send.
    const run = $({
      shell: "/bin/sh",
      prefix: "",
      postfix: "",
      quote,
      nothrow: true,
      quiet: true,
      verbose: false,
      input: command.stdin ?? "",
      env: { ...process.env, ...this.options.env },
    });
    const running = run`${command.argv}`;
    // A command may exit before reading all its input (sudo refusing, an early `exit`): writing
    // the rest then fails with EPIPE. The exit code and stderr say what happened; left unheard,
    // that write error would end the whole process instead.
    running.stdin.on("error", () => undefined);
    const onStdout = options.onStdout;
    if (onStdout) running.stdout.on("data", (chunk: Buffer) => onStdout(Buffer.from(chunk)));
    if (options.stdout) running.stdout.pipe(options.stdout, { end: false });
    const onStderr = options.onStderr;
    if (onStderr) running.stderr.on("data", (chunk: Buffer) => onStderr(Buffer.from(chunk)));
    const failed = command.stdin instanceof Readable ? [stdinFailure(command.stdin)] : [];
    const output = await Promise.race([running, ...failed]);
    if (!("exitCode" in output)) {
      running.kill().catch(() => undefined);
      return output;
    }
    const result: ExecResult = {
      code: output.exitCode ?? 128,
      stdout: options.stdout ? "" : output.stdout,
      stderr: output.stderr,
    };
    assertBecame(this.host, command, result);
    return result;
  }

  async execStaged(
    first: string,
    next: NextStage,
    options: { become?: boolean } = {},
  ): Promise<StagedResult> {
    return runStaged(first, next, (script, stdin, watch) =>
      this.exec(script, { ...options, stdin, ...watch }),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
