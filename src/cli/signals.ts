/**
 * The one place that handles signals and fatal errors, for every command. SIGINT (Ctrl-C), SIGTERM
 * (a CI cancel, `systemctl stop`, `timeout`) and SIGHUP (a closed terminal) all mean "stop": no host
 * starts after it, hosts in flight finish their current step and release their locks, and batches
 * that were creating containers are stopped and cleaned up. A second signal quits at once, after at
 * most a few seconds spent releasing locks. The output going away is a hangup too: a pipe whose
 * reader left (`ops run ... | head`: EPIPE, reported as SIGPIPE) or a closed terminal (EIO) stops a
 * run the same way, and never counts as a second signal. An error nobody caught is reported as a
 * bug (exit 70), also after releasing locks.
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
  /** The first stop: no new host, steps in flight finish, batches making containers are stopped. */
  const stop = (name: string) => {
    stoppedBy = name;
    const again = (SIGNALS as readonly string[]).includes(name)
      ? ` (${name === "SIGINT" ? "Ctrl-C" : name} again to quit now)`
      : "";
    write(
      `\ninterrupted (${name}): no new host starts; each host finishes its current step and releases its lock${again}\n`,
    );
    controller.abort();
    // Batches creating containers are stopped now, on a new channel; their own traps clean up too.
    cleanups.start("effects");
  };
  const onSignal = (name: string) => {
    if (stoppedBy === undefined) return stop(name);
    write(`\n${name} again: quitting now\n`);
    quitNow(EXIT.interrupted);
  };
  const listeners = SIGNALS.map((name) => {
    const listener = () => onSignal(name);
    process.on(name, listener);
    return [name, listener] as const;
  });
  // A closed terminal also sends SIGHUP, and every later write fails: only the first stop counts.
  stopActive = (name) => {
    if (stoppedBy === undefined) stop(name);
  };
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
      stopActive = undefined;
    },
  };
}

/** The cleanups of the run in progress, for the last-resort handler. */
let active: HostCleanups | undefined;
/** Stops the run in progress as its first signal would (undefined when none is in progress). */
let stopActive: ((name: string) => void) | undefined;

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
  handleLostOutput([process.stdout, process.stderr], (code) => process.exit(code), onFatal);
}

/** Output streams' errors that mean the reader went away rather than a fault of ops. */
const GONE: Readonly<Record<string, string>> = { EPIPE: "SIGPIPE", EIO: "SIGHUP" };

/**
 * The output going away: with a run in progress it stops the run as a hangup would (exit 130 after
 * steps in flight finish and locks are released); otherwise ops just ends with 0, since
 * `ops playbooks | head` closing the pipe early is the reader's choice. Any other error on an
 * output stream is a bug (`fatal`). Writes after the loss are dropped by the destroyed stream.
 * Installed once per process by the CLI.
 *
 * @example handleLostOutput([process.stdout, process.stderr], (code) => process.exit(code), onFatal)
 */
export function handleLostOutput(
  streams: readonly NodeJS.EventEmitter[],
  exit: (code: number) => void,
  fatal: (err: unknown) => void,
): void {
  let lost = false;
  const onError = (err: NodeJS.ErrnoException) => {
    const as = err.code === undefined ? undefined : GONE[err.code];
    if (as === undefined) return fatal(err);
    // One loss, however many writes report it: a late report (after the stopped run ended) must
    // not turn its exit 130 into a 0.
    if (lost) return;
    lost = true;
    if (stopActive) stopActive(as);
    else exit(EXIT.ok);
  };
  for (const stream of streams) stream.on("error", onError);
}

/**
 * Files that must not outlive the command (a vault decrypted for `ops vault edit`), removed
 * whichever way the process ends: normally, by an uncaught error (its process.exit runs the `exit`
 * listeners), or by a signal. While any is registered and no run is in progress, SIGINT, SIGTERM
 * and SIGHUP remove them and end the process with exit 130. SIGKILL cannot be caught: callers keep
 * such files in memory-backed storage (/dev/shm) so that even then nothing reaches a disk.
 */
const doomed = new Map<string, (path: string) => void>();

function removeDoomed(): void {
  for (const [path, remove] of doomed) remove(path);
  doomed.clear();
}

const onDoomSignal = () => {
  removeDoomed();
  // A run in progress handles the signal itself (handleInterrupts); otherwise ops ends here.
  if (stopActive === undefined) process.exit(EXIT.interrupted);
};

/**
 * Registers `path` (a file or a folder, removed recursively by `remove`) for removal at exit;
 * `release()` removes it now and forgets it.
 *
 * @example const temp = removeOnExit(dir, (p) => rmSync(p, { recursive: true, force: true })); try { ... } finally { temp.release(); }
 */
export function removeOnExit(path: string, remove: (path: string) => void): { release(): void } {
  if (doomed.size === 0) {
    process.on("exit", removeDoomed);
    for (const name of SIGNALS) process.on(name, onDoomSignal);
  }
  doomed.set(path, remove);
  return {
    release() {
      if (!doomed.delete(path)) return;
      remove(path);
      if (doomed.size === 0) {
        process.off("exit", removeDoomed);
        for (const name of SIGNALS) process.off(name, onDoomSignal);
      }
    },
  };
}
