/**
 * The one place that handles signals and fatal errors, for every command. SIGINT (Ctrl-C), SIGTERM
 * (a CI cancel, `systemctl stop`, `timeout`) and SIGHUP (a closed terminal) all mean "stop": no host
 * starts after it, hosts in flight finish their current step and release their locks, and batches
 * that were creating containers are stopped and cleaned up. A second signal quits at once, after at
 * most a few seconds spent releasing locks. An error nobody caught is reported as a bug (exit 70),
 * also after releasing locks.
 */
import vm from "node:vm";
import { Interrupted } from "../errors.js";
import type { HostCleanups } from "../run/host-cleanups.js";
import { EXIT } from "./exit-codes.js";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** How long a second signal or a fatal error may spend releasing locks before the process ends. */
const LAST_CLEANUP_MS = 3_000;

export interface Interrupts {
  /** Aborted by the first signal. */
  readonly signal: AbortSignal;
  /** The signal that stopped the run, if one did. */
  readonly stoppedBy: string | undefined;
  /**
   * Runs playbook code (planning, judging: maybe a user's) so that Ctrl-C interrupts it even in a
   * CPU loop, where no signal handler would ever get a turn.
   */
  guard<T>(work: () => T): T;
  dispose(): void;
}

/** Runs the global `__opsGuarded` with V8's own SIGINT watchdog (vm's breakOnSigint). */
const guardedCall = new vm.Script("globalThis.__opsGuarded()", { filename: "ops-guard" });
type GuardGlobal = { __opsGuarded?: () => unknown };

/**
 * Installs the handlers until `dispose()`.
 *
 * @example const interrupts = handleInterrupts(cleanups); await executeRun(req, { signal: interrupts.signal, guard: interrupts.guard, ... });
 */
export function handleInterrupts(
  cleanups: HostCleanups,
  write: (text: string) => void = (t) => void process.stderr.write(t),
): Interrupts {
  const controller = new AbortController();
  let stoppedBy: string | undefined;
  let quitting = false;
  const quitNow = (code: number) => {
    if (quitting) process.exit(code);
    quitting = true;
    const hosts = cleanups.hosts;
    if (hosts.length > 0) write(`releasing locks and removing leftovers on ${hosts.join(", ")}...\n`);
    void cleanups.runAll(LAST_CLEANUP_MS).finally(() => process.exit(code));
  };
  const onSignal = (name: string) => {
    if (stoppedBy !== undefined) {
      write(`\n${name} again: quitting now\n`);
      quitNow(EXIT.interrupted);
      return;
    }
    stoppedBy = name;
    write(
      `\ninterrupted (${name}): no new host starts; each host finishes its current step and releases its lock (${name === "SIGINT" ? "Ctrl-C" : name} again to quit now)\n`,
    );
    controller.abort();
    // Batches creating containers are stopped now, on a new channel; their own traps clean up too.
    cleanups.start("effects");
  };
  const listeners = SIGNALS.map((name) => {
    const listener = () => onSignal(name);
    process.on(name, listener);
    return [name, listener] as const;
  });
  return {
    signal: controller.signal,
    get stoppedBy() {
      return stoppedBy;
    },
    guard<T>(work: () => T): T {
      const g = globalThis as GuardGlobal;
      g.__opsGuarded = work;
      try {
        return guardedCall.runInThisContext({ breakOnSigint: true }) as T;
      } catch (err) {
        if ((err as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_INTERRUPTED") throw err;
        onSignal("SIGINT");
        throw new Interrupted("interrupted while a playbook's code was running");
      } finally {
        delete g.__opsGuarded;
      }
    },
    dispose() {
      for (const [name, listener] of listeners) process.off(name, listener);
    },
  };
}

/** The cleanups of the run in progress, for the last-resort handler. */
let active: HostCleanups | undefined;

/** Tells the last-resort handler what hosts hold right now (undefined when no run is in progress). */
export function setActiveCleanups(cleanups: HostCleanups | undefined): void {
  active = cleanups;
}

/**
 * Reports an error nobody caught (an unhandled rejection included) as a bug in ops, releases what
 * hosts hold, and ends with exit 70. Installed once per process by the CLI.
 */
export function handleFatalErrors(
  write: (text: string) => void = (t) => void process.stderr.write(t),
  cleanups: () => HostCleanups | undefined = () => active,
): void {
  let fatal = false;
  const onFatal = (err: unknown) => {
    if (fatal) return;
    fatal = true;
    const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
    write(`internal error (a bug in ops; please report it):\n${stack}\n`);
    const pending = cleanups();
    if (!pending) process.exit(EXIT.internal);
    void pending.runAll(LAST_CLEANUP_MS).finally(() => process.exit(EXIT.internal));
  };
  process.on("uncaughtException", onFatal);
  process.on("unhandledRejection", onFatal);
}
