// Runs one measured command: wall time from spawn to exit (performance.now, so the clock cannot jump),
// its output, and optionally its peak memory via GNU time (-o keeps the report out of stderr).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseMaxRss } from "./parse.js";

export interface Timed {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Peak RSS of the process in bytes (only with `measureMemory`). */
  readonly maxRss?: number;
}

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly input?: string;
  /** Wrap in `/usr/bin/time -v` to read the peak RSS (ru_maxrss of the child). */
  readonly measureMemory?: boolean;
  /** A benchmark must end by itself: kill the command after this long. */
  readonly timeoutMs?: number;
}

export const GNU_TIME = "/usr/bin/time";

/** Spawns `cmd args` and resolves when it exits; never rejects for a non-zero exit (callers decide). */
export async function timed(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<Timed> {
  const dir = opts.measureMemory ? mkdtempSync(join(tmpdir(), "ops-bench-")) : undefined;
  const report = dir === undefined ? undefined : join(dir, "time.txt");
  const [file, argv] = report === undefined ? [cmd, args] : [GNU_TIME, ["-v", "-o", report, cmd, ...args]];
  const start = performance.now();
  // stdin is /dev/null unless there is input: a pipe nobody reads ends in EPIPE when the child exits first.
  const stdin = opts.input === undefined ? "ignore" : "pipe";
  const child = spawn(file, argv, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: [stdin, "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (b: Buffer) => out.push(b));
  child.stderr?.on("data", (b: Buffer) => err.push(b));
  child.stdin?.on("error", () => undefined); // the exit code tells whether the child failed
  child.stdin?.end(opts.input);
  const timer =
    opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, signal) => resolve(c ?? (signal === null ? -1 : 128)));
  });
  const ms = performance.now() - start;
  if (timer !== undefined) clearTimeout(timer);
  let maxRss: number | undefined;
  if (report !== undefined && dir !== undefined) {
    maxRss = parseMaxRss(readFileSync(report, "utf8"));
    rmSync(dir, { recursive: true, force: true });
  }
  const base = { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms };
  return maxRss === undefined ? base : { ...base, maxRss };
}

/** The last lines of some output, for an error message that shows what went wrong without flooding. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
