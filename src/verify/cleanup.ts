/**
 * The hosts whose checks are running right now, with what removes their leftovers. The CLI's
 * SIGINT handler calls `cleanupAll`, bounded in time, so an interrupted run still leaves nothing
 * behind (the batch's own exit trap is the second line of defence).
 */
import type { Transport } from "../transport/transport.js";

interface Active {
  transport: Transport;
  script: string;
}

export class CleanupRegistry {
  readonly #active = new Map<string, Active>();
  #cleaning = false;

  /** Records that `host` may hold leftovers until `remove(host)`. */
  add(host: string, transport: Transport, script: string): void {
    this.#active.set(host, { transport, script });
  }

  /**
   * Forgets `host`. Returns false while `cleanupAll` runs: the registry then owns the connection and
   * closes it after the cleanup (closing it earlier would cut the cleanup off).
   */
  remove(host: string): boolean {
    this.#active.delete(host);
    return !this.#cleaning;
  }

  /** Hosts that would be cleaned now. */
  get hosts(): string[] {
    return [...this.#active.keys()];
  }

  /**
   * Runs every pending cleanup in parallel (on a new channel of each open connection), waits at most
   * `timeoutMs`, then closes the connections. Resolves with the hosts whose cleanup finished.
   */
  async cleanupAll(timeoutMs: number): Promise<string[]> {
    this.#cleaning = true;
    const entries = [...this.#active];
    const done: string[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    const all = Promise.all(
      entries.map(async ([host, { transport, script }]) => {
        const r = await transport.exec(script).catch(() => undefined);
        if (r?.code === 0) done.push(host);
      }),
    );
    await Promise.race([all, expired]);
    if (timer) clearTimeout(timer);
    await Promise.all(entries.map(([, a]) => a.transport.close().catch(() => undefined)));
    return done;
  }
}
