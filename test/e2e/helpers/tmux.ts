/**
 * Drives an interactive program in a real terminal: a detached tmux session of a fixed size, keys
 * sent with send-keys, the screen read with capture-pane. The program's exit code is printed by
 * the wrapping shell so a test can read it from the screen, and the pane stays open to be read.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TerminalOptions {
  cwd: string;
  env: Record<string, string>;
  width?: number;
  height?: number;
}

/** Single-quotes a word for the shell tmux starts the program in. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class Terminal {
  private constructor(readonly session: string) {}

  /**
   * @example const t = await Terminal.start(["node", "bin/ops.js", "init"], { cwd, env });
   *          await t.waitFor(/Host addresses/); await t.type("10.0.0.5"); await t.keys("Enter");
   */
  static async start(argv: readonly string[], options: TerminalOptions): Promise<Terminal> {
    const session = `ops-e2e-${randomBytes(4).toString("hex")}`;
    const env = Object.entries(options.env)
      .map(([k, v]) => `${k}=${sq(v)}`)
      .join(" ");
    const command = `cd ${sq(options.cwd)} && env -i ${env} ${argv.map(sq).join(" ")}; echo "[exit $?]"; exec sleep 86400`;
    await run("tmux", [
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      String(options.width ?? 120),
      "-y",
      String(options.height ?? 40),
      "sh",
      "-c",
      command,
    ]);
    return new Terminal(session);
  }

  /** What the terminal shows now, without trailing blank lines. */
  async screen(): Promise<string> {
    const { stdout } = await run("tmux", ["capture-pane", "-p", "-t", this.session]);
    return stdout.replace(/\s+$/, "");
  }

  /** Everything the program printed, scrolled-off lines included. */
  async history(): Promise<string> {
    const { stdout } = await run("tmux", ["capture-pane", "-p", "-S", "-", "-t", this.session]);
    return stdout.replace(/\s+$/, "");
  }

  /** Typed text, character for character (send-keys -l: nothing is read as a key name). */
  async type(text: string): Promise<void> {
    await run("tmux", ["send-keys", "-t", this.session, "-l", text]);
  }

  /** Named keys: Enter, Down, Space, C-c ... */
  async keys(...names: string[]): Promise<void> {
    for (const name of names) await run("tmux", ["send-keys", "-t", this.session, name]);
  }

  /** Polls the screen until it matches; fails with the screen it last saw. */
  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = await this.screen();
      if (pattern.test(last)) return last;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`the terminal never showed ${pattern} in ${timeoutMs} ms; it shows:\n${last}`);
  }

  /**
   * Waits until the question on screen (inquirer's active prompt starts a line with `?`; answered
   * ones turn to `✔`) matches `message`.
   */
  async waitForPrompt(message: RegExp, timeoutMs = 30_000): Promise<string> {
    return this.waitFor(new RegExp(`^\\? .*${message.source}`, "m"), timeoutMs);
  }

  /**
   * Answers the question on screen: waits for it, types `text` (if any) and presses Enter.
   * Resolves with the screen the question was seen on.
   */
  async answer(message: RegExp, text?: string, timeoutMs = 30_000): Promise<string> {
    const screen = await this.waitForPrompt(message, timeoutMs);
    if (text !== undefined) await this.type(text);
    await this.keys("Enter");
    return screen;
  }

  /** Waits for the program to end and returns its exit code. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/, timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(screen)?.[1]);
  }

  async kill(): Promise<void> {
    await run("tmux", ["kill-session", "-t", this.session]).catch(() => undefined);
  }
}
