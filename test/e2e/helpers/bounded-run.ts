/**
 * Runs the built CLI as a child process and measures what a fault test asserts: the exit code, the
 * wall time, the child's peak memory (VmHWM from /proc, sampled while it runs) and its output.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { BIN } from "./ops-cli.js";

export interface BoundedResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** When the child ended (Date.now()). */
  endedAt: number;
  /** Peak resident memory of the child in MB (the last sample of its high-water mark). */
  peakMb: number;
}

function highWaterMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** @example const r = await runBounded(["registry", "ls", "-i", inv], 30_000) */
export function runBounded(
  args: readonly string[],
  killAfterMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<BoundedResult> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      ...(env ? { env } : {}),
    });
    let stdout = "";
    let stderr = "";
    let peakMb = 0;
    const sample = setInterval(() => {
      if (child.pid !== undefined) peakMb = Math.max(peakMb, highWaterMb(child.pid) ?? 0);
    }, 25);
    // A hang is a failure the test reports, not a test that never ends.
    const guard = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < 1_000_000) stdout += d.toString("latin1");
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 1_000_000) stderr += d.toString("latin1");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearInterval(sample);
      clearTimeout(guard);
      resolve({
        code: code ?? (signal ? -1 : -2),
        stdout,
        stderr,
        ms: Date.now() - t0,
        endedAt: Date.now(),
        peakMb,
      });
    });
  });
}
