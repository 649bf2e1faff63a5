/**
 * Builds the command line and standard input that run a script, as root through sudo when asked.
 * Pure: ssh.ts quotes the argv into one remote command, local.ts hands it to zx.
 *
 * The become password travels on stdin, never in argv. Protocol: stdin is
 * `password \n marker \n payload`; sudo (`-S -p ''`) reads the password line only when it wants one,
 * and the wrapped script first reads and drops lines up to the per-call random marker, so the
 * password never reaches the script's stdin even when sudo does not ask (NOPASSWD, cached
 * timestamp). Both sudo and sh's `read` consume a pipe byte by byte, so the payload stays intact.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { BecomeError, ConfigError } from "../errors.js";
import { quote } from "./quote.js";
import type { ExecResult, StdinSource } from "./transport.js";

export interface BecomeRequest {
  script: string;
  stdin?: StdinSource;
  /** Run as root. */
  become: boolean;
  /** True when already root: no sudo at all. */
  isRoot: boolean;
  /** The sudo password; secret. */
  password?: string;
  /** Marker line; random per call unless a test pins it. */
  marker?: string;
}

export interface BecomeCommand {
  /** Words of the command; quote each before it reaches a shell. */
  argv: string[];
  /** What to write to the command's stdin (undefined: close it empty); a Readable is piped as read. */
  stdin?: Buffer | Readable;
  /** Which sudo mode was used, so the caller can interpret sudo's own failures. */
  sudo: "none" | "no-password" | "password";
}

/**
 * Plans one exec. Without become (or as root): `sh -c SCRIPT`. With become and no password:
 * `sudo -n -H -- sh -c SCRIPT` (fails fast instead of hanging on a prompt). With a password:
 * `sudo -S -p '' -H -- sh -c 'skip-to-marker; SCRIPT'` and the password on stdin.
 *
 * @example buildBecome({ script: "id -u", become: true, isRoot: false }).argv
 *   // ["sudo", "-n", "-H", "--", "sh", "-c", "id -u"]
 */
export function buildBecome(request: BecomeRequest): BecomeCommand {
  const payload =
    request.stdin === undefined || request.stdin instanceof Readable
      ? request.stdin
      : Buffer.from(request.stdin);
  if (!request.become || request.isRoot) {
    return withStdin({ argv: ["sh", "-c", request.script], sudo: "none" }, payload);
  }
  if (request.password === undefined) {
    return withStdin(
      { argv: ["sudo", "-n", "-H", "--", "sh", "-c", request.script], sudo: "no-password" },
      payload,
    );
  }
  if (/[\r\n]/.test(request.password)) {
    throw new ConfigError(
      "the become password contains a line break, which sudo cannot read",
      {},
      "set ansible_become_password to the password on one line",
    );
  }
  const marker = request.marker ?? `__ops_become_${randomBytes(16).toString("hex")}__`;
  const skip = `while IFS= read -r ops_line; do [ "$ops_line" = ${quote(marker)} ] && break; done`;
  const prefix = Buffer.from(`${request.password}\n${marker}\n`);
  const stdin =
    payload instanceof Readable
      ? Readable.from(prefixed(prefix, payload))
      : Buffer.concat([prefix, payload ?? Buffer.alloc(0)]);
  return {
    argv: ["sudo", "-S", "-p", "", "-H", "--", "sh", "-c", `${skip}\n${request.script}`],
    stdin,
    sudo: "password",
  };
}

/** The password lines first, then the stream's chunks as they come. */
async function* prefixed(prefix: Buffer, stream: Readable): AsyncGenerator<Buffer> {
  yield prefix;
  for await (const chunk of stream) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
}

function withStdin(command: BecomeCommand, stdin: Buffer | Readable | undefined): BecomeCommand {
  return stdin === undefined ? command : { ...command, stdin };
}

/** Why sudo itself refused, as a message and hint that never include the password. */
export interface BecomeFailure {
  message: string;
  hint: string;
}

/**
 * Recognises sudo's own refusals in a result, so "wrong password" is not mistaken for a failed step.
 * Only the first line of stderr is read: sudo speaks before the script does, and a script that
 * prints similar words later must not be misread.
 */
export function becomeFailure(command: BecomeCommand, result: ExecResult): BecomeFailure | undefined {
  if (command.sudo === "none" || result.code === 0) return undefined;
  const firstLine = result.stderr.split("\n").find((line) => line.trim() !== "") ?? "";
  if (/^sudo: (a password is required|a terminal is required)/.test(firstLine)) {
    return {
      message: "sudo needs a password: set ansible_become_password",
      hint: "set ansible_become_password (or become_password) for this host, or allow NOPASSWD in sudoers",
    };
  }
  if (/^sudo: sorry, you must have a tty/.test(firstLine)) {
    return {
      message: "sudo requires a terminal for this user (requiretty)",
      hint: "allow sudo without a terminal (Defaults:USER !requiretty in sudoers) or connect as root",
    };
  }
  if (/^(Sorry, try again|sudo: \d+ incorrect password|sudo: no password was provided)/.test(firstLine)) {
    return {
      message: "sudo refused the become password",
      hint: "check ansible_become_password for this host",
    };
  }
  if (/is not in the sudoers file|is not allowed to (execute|run sudo)/.test(firstLine)) {
    return {
      message: "the user may not run commands as root through sudo",
      hint: "add the user to sudoers (for example the wheel group) or connect as root",
    };
  }
  if (result.code === 127 && /sudo.*(not found|No such file)/.test(firstLine)) {
    return { message: "sudo is not installed on the host", hint: "install sudo or connect as root" };
  }
  return undefined;
}

/**
 * Whether sudo has refused a password and is reading another attempt from stdin (its prompt is
 * empty under `-p ''`, so this line on stderr is the only sign). Only sudo prints it before the
 * script runs.
 */
export function sudoAskedAgain(stderr: string): boolean {
  return /^(Sorry, try again\.|sudo: \d+ incorrect password)/m.test(stderr);
}

/**
 * Throws BecomeError when sudo itself refused (see becomeFailure): the host was reached, so it is a
 * failed host, not an unreachable one.
 *
 * @example assertBecame("web1", command, await run(command)); // throws on "sudo refused the become password"
 */
export function assertBecame(host: string, command: BecomeCommand, result: ExecResult): void {
  const refused = becomeFailure(command, result);
  if (refused) throw new BecomeError(host, refused.message, refused.hint);
}
