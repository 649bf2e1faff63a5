/**
 * Runs the built `ops` CLI as a user would (a real process, real exit code, real stderr) and
 * parses `--output json` event lines.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { HostSummary, OpsEvent } from "../../../src/events.js";

/** The CLI as a user runs it. */
export const BIN = fileURLToPath(new URL("../../../bin/ops.js", import.meta.url));

export interface OpsResult {
  code: number;
  stdout: string;
  stderr: string;
  events: OpsEvent[];
}

/**
 * @param onEvent called with each JSON event as it arrives, and the child, so a test can act
 *   mid-run (send SIGINT after the first step, say).
 * @param wrap a command that runs ops in another setting, ops's own command line appended to it
 *   (another user: `["setpriv", "--reuid=65534", …]`, another mount namespace: `["unshare", …]`).
 * @param env the process environment (default: this one), e.g. another HOME.
 */
export function ops(
  args: readonly string[],
  input = "",
  onEvent?: (event: OpsEvent, child: ChildProcess) => void,
  wrap: readonly string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<OpsResult> {
  return new Promise((resolve, reject) => {
    const [command, ...prefix] = [...wrap, process.execPath];
    const child = spawn(command as string, [...prefix, BIN, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      ...(env ? { env } : {}),
    });
    let stdout = "";
    let stderr = "";
    let seen = 0;
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!onEvent) return;
      const lines = stdout.split("\n");
      for (const line of lines.slice(seen, -1))
        if (line.startsWith("{")) onEvent(JSON.parse(line) as OpsEvent, child);
      seen = lines.length - 1;
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const events = stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as OpsEvent);
      resolve({ code: code ?? -1, stdout, stderr, events });
    });
    child.stdin.end(input);
  });
}

/** The per-host summaries of a JSON run, by host name. */
export function summaries(result: OpsResult): Record<string, HostSummary> {
  const done = result.events.find((e) => e.kind === "run-done");
  if (!done || done.kind !== "run-done") {
    throw new Error(
      `no run-done event (exit ${result.code}):\n${result.stderr}\n${result.stdout.slice(-2000)}`,
    );
  }
  return Object.fromEntries(done.hosts.map((h) => [h.host, h]));
}

/** Messages of host-failed / host-unreachable events of one host. */
export function failures(result: OpsResult, host: string): string[] {
  return result.events.flatMap((e) =>
    (e.kind === "host-failed" || e.kind === "host-unreachable") && e.host === host
      ? [`${e.error.message}${e.error.hint ? ` (hint: ${e.error.hint})` : ""}`]
      : [],
  );
}
