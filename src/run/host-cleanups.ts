/**
 * What must be undone on each host if the run stops now: a batch that is creating containers (stop
 * it and remove what it made) and a host lock that is held (release it). The pipeline registers
 * them while they are pending; an interrupt runs the `effects` ones at once (they kill the batch),
 * and a second signal or a fatal error runs everything, bounded in time, before the process ends.
 */
import type { Transport } from "../transport/transport.js";

export type CleanupKind = "effects" | "lock";

interface Pending {
  host: string;
  transport: Transport;
  script: string;
  kind: CleanupKind;
  /** Set once it started running, so it runs once and the host can wait for it. */
  running?: Promise<void>;
}

export class HostCleanups {
  readonly #pending = new Set<Pending>();

  /**
   * Records a cleanup until the returned function is called (the work finished normally).
   *
   * @example const done = cleanups.add("el9-1", transport, releaseLockScript(runId), "lock"); ...; done();
   */
  add(host: string, transport: Transport, script: string, kind: CleanupKind): () => void {
    const entry: Pending = { host, transport, script, kind };
    this.#pending.add(entry);
    return () => {
      if (!entry.running) this.#pending.delete(entry);
    };
  }

  /** Hosts with something pending, for messages. */
  get hosts(): string[] {
    return [...new Set([...this.#pending].map((p) => p.host))];
  }

  /**
   * Starts the cleanups of `kind` (all when undefined), of `host` (all hosts when undefined), that
   * are not running yet; a new channel each. A started cleanup stays registered until `settle`, so
   * a last-resort exit (`runAll`) waits for it instead of cutting it off.
   */
  start(kind?: CleanupKind, host?: string): Promise<void>[] {
    const started: Promise<void>[] = [];
    for (const entry of this.#pending) {
      if (kind !== undefined && entry.kind !== kind) continue;
      if (host !== undefined && entry.host !== host) continue;
      entry.running ??= entry.transport.exec(entry.script).then(
        () => undefined,
        () => undefined,
      );
      started.push(entry.running);
    }
    return started;
  }

  /** Waits until every cleanup of `host` that started has finished; the host closes its connection after. */
  async settle(host: string): Promise<void> {
    const running = [...this.#pending].filter((p) => p.host === host && p.running);
    await Promise.all(running.map((p) => p.running));
    for (const p of running) this.#pending.delete(p);
  }

  /**
   * Runs every pending cleanup in parallel and waits at most `timeoutMs`. Resolves with the hosts
   * whose cleanups all finished in time.
   */
  async runAll(timeoutMs: number): Promise<string[]> {
    const entries = [...this.#pending];
    this.start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref?.();
    });
    const finished = new Set<Pending>();
    await Promise.race([
      Promise.all(entries.map((e) => e.running?.then(() => void finished.add(e)))),
      expired,
    ]);
    if (timer) clearTimeout(timer);
    const hosts = new Set(entries.map((e) => e.host));
    return [...hosts].filter((h) => entries.every((e) => e.host !== h || finished.has(e)));
  }
}
