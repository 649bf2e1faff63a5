/**
 * Sends signals to a running `ops` at points chosen from its own JSON events (or from what a test
 * sees on a host), and records when each event arrived, so a fault test can tell what happened
 * after the signal.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { HostResult, OpsEvent } from "../../../src/events.js";
import { quote, sh } from "../../../src/transport/quote.js";
import { ops, type OpsResult } from "./ops-cli.js";

export const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type Sig = (typeof SIGNALS)[number];

export interface Timed {
  event: OpsEvent;
  /** When the test received it (ms since the epoch). */
  at: number;
}

export interface SignalPlan {
  signal: Sig;
  /** Send the signal at the first event this accepts. */
  at?: (event: OpsEvent) => boolean;
  /** Or: once the run has started, resolves when the signal should go (polling a host, say). */
  until?: () => Promise<void>;
  /** Send the signal a second time once ops has said it is stopping. */
  again?: boolean;
}

export interface SignalledRun extends OpsResult {
  timed: Timed[];
  /** When the first signal was sent; undefined when the run ended before its point came. */
  signalAt: number | undefined;
  /** When the second signal was sent. */
  againAt: number | undefined;
  /** When the process had ended. */
  endedAt: number;
}

/**
 * Runs `ops args` (with `--output json` among them) and signals it as `plan` says.
 *
 * @example const r = await signalled(["run", "install-engine", "-i", inv, "--output", "json"], { signal: "SIGTERM", at: (e) => e.kind === "step-ran" });
 */
export async function signalled(args: readonly string[], plan: SignalPlan): Promise<SignalledRun> {
  const timed: Timed[] = [];
  let signalAt: number | undefined;
  let againAt: number | undefined;
  let waiting = false;
  const fire = (child: ChildProcess) => {
    if (signalAt !== undefined) return;
    if (plan.again) {
      let said = "";
      child.stderr?.on("data", (d: Buffer) => {
        said += d.toString();
        if (againAt === undefined && said.includes(`interrupted (${plan.signal})`)) {
          againAt = Date.now();
          child.kill(plan.signal);
        }
      });
    }
    signalAt = Date.now();
    child.kill(plan.signal);
  };
  const result = await ops(args, "", (event, child) => {
    timed.push({ event, at: Date.now() });
    if (plan.at?.(event)) fire(child);
    if (plan.until && !waiting) {
      waiting = true;
      void plan.until().then(() => fire(child));
    }
  });
  return { ...result, timed, signalAt, againAt, endedAt: Date.now() };
}

/** The run-done event's host results, by host. */
export function resultsOf(
  run: Pick<OpsResult, "events" | "code" | "stderr" | "stdout">,
): Map<string, HostResult> {
  const done = run.events.find((e) => e.kind === "run-done");
  if (!done || done.kind !== "run-done")
    throw new Error(`no run-done event (exit ${run.code}):\n${run.stderr}\n${run.stdout.slice(-2000)}`);
  return new Map(done.hosts.map((h) => [h.host, h]));
}

/** Events of `kind` on `host` that arrived after the signal. */
export function afterSignal(run: SignalledRun, host: string, kinds: readonly OpsEvent["kind"][]): Timed[] {
  const at = run.signalAt ?? Infinity;
  return run.timed.filter(
    (t) => t.at > at && kinds.includes(t.event.kind) && "host" in t.event && t.event.host === host,
  );
}

/** Hosts that got a `host-connected` event. */
export function connected(run: Pick<OpsResult, "events">): Set<string> {
  return new Set(run.events.flatMap((e) => (e.kind === "host-connected" ? [e.host] : [])));
}

/** Descriptions of the steps and handlers that ran on `host`, in order. */
export function ran(run: OpsResult, host: string): string[] {
  return run.events.flatMap((e) =>
    (e.kind === "step-ran" || e.kind === "handler-ran") && e.host === host ? [e.description] : [],
  );
}

/**
 * One line on what a signalled run did, for the test log: each host's status and how many steps
 * it ran, and how long ops took to end after the signal.
 */
export function outline(run: SignalledRun): string {
  const done = run.events.find((e) => e.kind === "run-done");
  const hosts =
    done?.kind === "run-done"
      ? done.hosts.map(
          (h) => `${h.host} ${h.status}${h.applied.length ? ` after ${h.applied.length} steps` : ""}`,
        )
      : ["no report"];
  const end =
    run.signalAt === undefined ? "no signal sent" : `ended ${run.endedAt - run.signalAt} ms after it`;
  return `${hosts.join(", ")}; exit ${run.code}, ${end}`;
}

export interface TerminalRun {
  /** The events ops printed on its terminal so far. */
  events: OpsEvent[];
  /**
   * Closes the terminal under ops (the kernel sends SIGHUP, and every later write fails), then
   * waits at most `boundMs` for ops to end. Resolves whether it ended.
   */
  hangUp(boundMs: number): Promise<boolean>;
}

/**
 * Runs `ops args` on a terminal of its own, ops leading its session as a login shell's job does
 * (script(1)), stderr to `errFile`, until the first event `at` accepts.
 *
 * @example const term = await inTerminal(args, "/tmp/x/stderr", (e) => e.kind === "step-ran"); await term.hangUp(60_000);
 */
export async function inTerminal(
  args: readonly string[],
  errFile: string,
  at: (event: OpsEvent) => boolean,
  timeoutMs = 120_000,
): Promise<TerminalRun> {
  const command = `exec ${sh([process.execPath, resolve("bin/ops.js"), ...args])} 2>${quote(errFile)}`;
  const term = spawn("script", ["-qfec", command, "/dev/null"], { stdio: ["pipe", "pipe", "ignore"] });
  const events: OpsEvent[] = [];
  await new Promise<void>((done, fail) => {
    let text = "";
    const timer = setTimeout(
      () => fail(new Error(`no such event within ${timeoutMs} ms:\n${text}`)),
      timeoutMs,
    );
    term.stdout.on("data", (d: Buffer) => {
      const lines = (text + d.toString()).split("\n");
      text = lines.pop() ?? "";
      for (const line of lines.map((l) => l.trim()).filter((l) => l.startsWith("{")))
        events.push(JSON.parse(line) as OpsEvent);
      if (!events.some(at)) return;
      clearTimeout(timer);
      done();
    });
  });
  // script's child is ops itself (exec): the process to watch once its terminal is gone.
  const pid = Number(
    execFileSync("pgrep", ["-P", String(term.pid)])
      .toString()
      .trim(),
  );
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    events,
    async hangUp(boundMs) {
      term.kill("SIGKILL");
      const deadline = Date.now() + boundMs;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      term.stdin.destroy();
      return !alive();
    },
  };
}
