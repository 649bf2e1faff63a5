/**
 * A Transport over established node-ssh connections (the target last, its jump hosts before it).
 * Watches the connections so a drop rejects the pending and later execs with ConnectError
 * instead of hanging or crashing the process.
 */
import { constants } from "node:os";
import { Readable, type Writable } from "node:stream";
import type { NodeSSH } from "node-ssh";
import { ConnectError } from "../errors.js";
import { assertBecame, buildBecome } from "./become.js";
import { sh } from "./quote.js";
import { stdinFailure } from "./stream.js";
import { connectionLost } from "./ssh-errors.js";
import { runStaged, type NextStage, type StagedResult } from "./staged.js";
import type { ExecOptions, ExecResult, Transport } from "./transport.js";

export interface BecomeSettings {
  /** The host's `become` setting; an exec may turn it off, never on. */
  become: boolean;
  /** Connected as root: sudo is never needed. */
  isRoot: boolean;
  /** Secret; sent on stdin only. */
  becomePassword?: string | undefined;
}

export class SshTransport implements Transport {
  #commands = 0;
  #closed = false;
  #lost: ConnectError | undefined;
  #lostSignal: Promise<never>;
  #reportLost!: (error: ConnectError) => void;
  #lastError: string | undefined;

  /** `chain` is every hop's connection, outermost jump first and the target last. */
  constructor(
    readonly host: string,
    private readonly address: string,
    private readonly chain: NodeSSH[],
    private readonly becomeSettings: BecomeSettings,
  ) {
    this.#lostSignal = new Promise<never>((_resolve, reject) => {
      this.#reportLost = reject;
    });
    // Nobody may be waiting when the drop happens; the rejection is read by the next exec.
    this.#lostSignal.catch(() => undefined);
    for (const ssh of chain) {
      const connection = ssh.connection;
      if (!connection) continue;
      connection.on("error", (error: Error) => {
        this.#lastError = error.message.split("\n")[0];
      });
      connection.on("end", () => this.#markLost());
      connection.on("close", () => this.#markLost());
    }
  }

  get commandCount(): number {
    return this.#commands;
  }

  /** Runs `sh -c SCRIPT` (or its sudo form) once; resolves with its exit code and output. */
  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.#closed) throw new ConnectError(this.host, `connection to ${this.address} was closed by ops`);
    if (this.#lost) throw this.#lost;
    const command = buildBecome({
      script,
      stdin: options.stdin,
      become: (options.become ?? true) && this.becomeSettings.become,
      isRoot: this.becomeSettings.isRoot,
      password: this.becomeSettings.becomePassword,
    });
    this.#commands += 1;
    const running = this.#run(sh(command.argv), command.stdin, options);
    // When the drop wins the race, the run rejects later; nobody awaits it, so mark it handled.
    running.catch(() => undefined);
    const failed = command.stdin instanceof Readable ? [stdinFailure(command.stdin)] : [];
    const result = await Promise.race([running, this.#lostSignal, ...failed]);
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

  async #run(
    command: string,
    stdin: Buffer | Readable | undefined,
    watch: Pick<ExecOptions, "onStdout" | "onStderr" | "stdout">,
  ): Promise<ExecResult> {
    const target = this.chain[this.chain.length - 1];
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const sink = watch.stdout;
    let response;
    try {
      if (!target) throw new Error("no connection");
      const input = stdin instanceof Readable ? stdin : Readable.from(stdin === undefined ? [] : [stdin]);
      const onStderr = (chunk: Buffer) => {
        stderr.push(chunk);
        watch.onStderr?.(chunk);
      };
      response = sink
        ? await execToSink(target, command, input, sink, onStderr)
        : await target.execCommand(command, {
            // A Readable keeps Buffers byte-exact and a stream is piped as read; node-ssh ends the
            // channel's stdin after it either way.
            stdin: input,
            noTrim: true,
            // Collect raw chunks and decode once: a multi-byte character may straddle two chunks.
            onStdout: (chunk) => {
              stdout.push(chunk);
              watch.onStdout?.(chunk);
            },
            onStderr,
          });
    } catch (error) {
      throw this.#lost ?? connectionLost(this.host, this.address, (error as Error).message.split("\n")[0]);
    }
    if (response.code === null && response.signal === null) {
      // The channel closed without an exit status: the connection went away under it.
      this.#markLost();
      throw this.#lost ?? connectionLost(this.host, this.address);
    }
    return {
      code: response.code ?? 128 + signalNumber(response.signal),
      stdout: Buffer.concat(stdout).toString("utf8"),
      stderr: Buffer.concat(stderr).toString("utf8"),
    };
  }

  #markLost(): void {
    if (this.#lost || this.#closed) return;
    this.#lost = connectionLost(this.host, this.address, this.#lastError);
    this.#reportLost(this.#lost);
  }

  /** Closes every hop, target first; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const ssh of [...this.chain].reverse()) ssh.dispose();
  }
}

/**
 * Runs `command` with its stdout piped into `sink`, never collected (node-ssh's execCommand keeps
 * all of it): a full sink stops reading the channel, so ssh stops granting window and the host's
 * command waits. A sink that goes away (its reader failed) has the rest read and dropped, so the
 * command can end and say how it ended.
 */
function execToSink(
  ssh: NodeSSH,
  command: string,
  stdin: Readable,
  sink: Writable,
  onStderr: (chunk: Buffer) => void,
): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const connection = ssh.connection;
    if (!connection) {
      reject(new Error("no connection"));
      return;
    }
    connection.exec(command, (err, channel) => {
      if (err) {
        reject(err);
        return;
      }
      let code: number | null = null;
      let signal: string | null = null;
      channel.on("exit", (c: number | null, s?: string) => {
        code = c ?? null;
        signal = s ?? null;
      });
      channel.stderr.on("data", onStderr);
      channel.pipe(sink, { end: false });
      sink.once("close", () => {
        channel.unpipe(sink);
        channel.resume();
      });
      stdin.pipe(channel);
      channel.on("close", () => resolve({ code, signal }));
    });
  });
}

function signalNumber(signal: string | null): number {
  const known = signal ? (constants.signals as Record<string, number>)[`SIG${signal}`] : undefined;
  return known ?? 127;
}
