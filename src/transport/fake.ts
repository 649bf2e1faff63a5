/**
 * An in-memory Transport for tests of the runner, facts and playbooks: answers from a responder
 * or from rules, records every call, and can play a host that drops or never connects.
 */
import { Readable } from "node:stream";
import { ConnectError } from "../errors.js";
import type { NextStage, StagedResult } from "./staged.js";
import type { ExecOptions, ExecResult, Transport } from "./transport.js";

export type Responder = (script: string, stdin: string | undefined) => ExecResult | Promise<ExecResult>;

export interface FakeRule {
  match: RegExp | ((script: string) => boolean);
  result: ExecResult | Responder;
}

export interface FakeCall {
  /** The script; for a staged command, its second stage (the first is in `firstStage`). */
  script: string;
  firstStage?: string;
  stdin: string | undefined;
  /** The exact bytes, when stdin was a stream (drained as the host would read it). */
  stdinBytes?: Buffer;
  become: boolean;
}

export interface FakeOptions {
  /** Default become of the host (an exec may turn it off). Default false. */
  become?: boolean;
  /** What a script no rule matches returns. Default: exit 127 "no fake rule matches". */
  fallback?: ExecResult;
  /** Play a host that cannot be reached: `open()` rejects with this message. */
  unreachable?: string;
  /** Drop the connection after this many commands: the next exec rejects with ConnectError. */
  dropAfter?: number;
}

/** Exit 0, empty output: handy in rules. */
export const ok = (stdout = ""): ExecResult => ({ code: 0, stdout, stderr: "" });

/**
 * A scripted host.
 *
 * @example const t = new FakeTransport("web1", [{ match: /rpm -q/, result: ok("docker-ce-27.1") }]);
 *          await t.exec("rpm -q docker-ce"); t.calls[0].script === "rpm -q docker-ce"
 */
export class FakeTransport implements Transport {
  readonly calls: FakeCall[] = [];
  #dropped: ConnectError | undefined;
  #closed = false;

  constructor(
    readonly host: string,
    private readonly responder: Responder | readonly FakeRule[],
    private readonly options: FakeOptions = {},
  ) {}

  get commandCount(): number {
    return this.calls.length;
  }

  /** Whether close() was called, so tests can check the runner cleans up. */
  get closed(): boolean {
    return this.#closed;
  }

  /** What a connect function awaits: resolves with the fake, or rejects when built `unreachable`. */
  async open(): Promise<this> {
    if (this.options.unreachable !== undefined) {
      throw new ConnectError(this.host, this.options.unreachable, "this fake host never connects");
    }
    return this;
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.options.dropAfter !== undefined && this.calls.length >= this.options.dropAfter) this.drop();
    if (this.#dropped) throw this.#dropped;
    const stdinBytes = await drain(options.stdin);
    const stdin = stdinBytes?.toString();
    this.calls.push({
      script,
      stdin,
      become: (options.become ?? true) && (this.options.become ?? false),
      ...(options.stdin instanceof Readable && stdinBytes ? { stdinBytes } : {}),
    });
    const answer = await this.#answer(script, stdin);
    if (!options.stdout) return answer;
    // A sink gets the answer's stdout as a host's command would print it, and the result none.
    options.stdout.write(answer.stdout);
    return { ...answer, stdout: "" };
  }

  /**
   * One call (one command) answered twice by the responder: the first stage, then the script `next`
   * returns. A first stage that exits non-zero ends the command there, as a shell that died would.
   */
  async execStaged(
    first: string,
    next: NextStage,
    options: { become?: boolean } = {},
  ): Promise<StagedResult> {
    if (this.options.dropAfter !== undefined && this.calls.length >= this.options.dropAfter) this.drop();
    if (this.#dropped) throw this.#dropped;
    const become = (options.become ?? true) && (this.options.become ?? false);
    const call: FakeCall = { script: "", firstStage: first, stdin: undefined, become };
    this.calls.push(call);
    const one = await this.#answer(first, undefined);
    if (one.code !== 0) return { ...one, stdout: "", firstStdout: one.stdout, staged: false };
    try {
      call.script = await next(one.stdout);
    } catch (err) {
      call.script = "exit 0\n";
      throw err;
    }
    const two = await this.#answer(call.script, undefined);
    return { ...two, stderr: one.stderr + two.stderr, firstStdout: one.stdout, staged: true };
  }

  async #answer(script: string, stdin: string | undefined): Promise<ExecResult> {
    if (typeof this.responder === "function") return this.responder(script, stdin);
    const rule = this.responder.find((r) =>
      r.match instanceof RegExp ? r.match.test(script) : r.match(script),
    );
    if (!rule)
      return this.options.fallback ?? { code: 127, stdout: "", stderr: `no fake rule matches: ${script}` };
    return typeof rule.result === "function" ? rule.result(script, stdin) : rule.result;
  }

  /** From now on every exec rejects as if the connection had dropped. */
  drop(reason = "simulated drop"): void {
    this.#dropped ??= new ConnectError(this.host, `connection to ${this.host} lost: ${reason}`);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

async function drain(stdin: ExecOptions["stdin"]): Promise<Buffer | undefined> {
  if (stdin === undefined) return undefined;
  if (!(stdin instanceof Readable)) return Buffer.from(stdin);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/**
 * Builds a connect function over fakes: hosts in `transports` connect, any other rejects.
 *
 * @example const connect = fakeConnector({ web1: new FakeTransport("web1", [...]) });
 */
export function fakeConnector(
  transports: Record<string, FakeTransport>,
): (name: string) => Promise<FakeTransport> {
  return async (name) => {
    const transport = transports[name];
    if (!transport) throw new ConnectError(name, `connection refused by ${name}:22`, "no fake for this host");
    return transport.open();
  };
}
