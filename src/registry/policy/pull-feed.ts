/**
 * Pull events (Harbor's PULL_ARTIFACT) from nginx's audit log: pulls never pass through the
 * service (they must not depend on it), but nginx logs each one after it answered, with the account
 * it verified and the digest the registry sent. A manifest fetched (GET, 200) of the registry (not the
 * proxy cache) is a pull, as `ops registry audit --action pull` reads it (audit.ts, the one reader of
 * that log). One event per manifest fetched: a multi-platform pull fetches the index and then its
 * platform's manifest, two events. The log is read only while a webhook wants pull events; pulls
 * made while none did are not sent. Each chunk's events are on disk (webhooks.ts) before its place
 * in the log is kept, so a restart neither loses nor skips a pull (at least once).
 */
import { auditEvent, readAuditLine } from "../audit.js";
import type { AuditTail } from "./audit-tail.js";
import type { Metrics } from "./metrics.js";
import { artifactData, type WebhookEvent } from "./webhooks.js";

/** What one read takes of the log at most; a tick reads on until it has caught up or read this 16 times. */
const CHUNK = 1024 * 1024;
const CHUNKS_PER_TICK = 16;

export interface PullFeedDeps {
  readonly tail: AuditTail;
  /** Whether a webhook wants pull events now (throws when policy.json cannot be read). */
  readonly wanted: () => boolean;
  /** Queues an event; resolves once it is on disk. */
  readonly emit: (event: WebhookEvent) => Promise<void>;
  readonly metrics: Metrics;
}

/** The pull event a line of the audit log is, or null. */
export function pullEvent(line: string): WebhookEvent | null {
  const read = readAuditLine(line);
  if (read === null || !("record" in read)) return null;
  const r = read.record;
  const e = auditEvent(r, { action: "pull" });
  if (e === null || e.denied || r.service !== "registry" || r.digest === "" || r.project === "") return null;
  const tag = r.reference.startsWith("sha256:") ? undefined : r.reference;
  return {
    type: "PULL_ARTIFACT",
    project: r.project,
    operator: r.user,
    at: e.time.getTime(),
    data: artifactData(r.host ?? "", r.repository, r.project, r.digest, tag),
  };
}

export class PullFeed {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: PullFeedDeps) {}

  /** Reads what the log gained since the last tick and queues its pulls. Never rejects. */
  tick(): Promise<void> {
    this.running ??= this.read()
      .catch((e: unknown) => {
        this.deps.metrics.inc("ops_policy_pull_feed_errors_total", "reads of the audit log that failed", {});
        process.stderr.write(
          `ops-policy: audit log not read: ${e instanceof Error ? e.message : String(e)}\n`,
        );
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async read(): Promise<void> {
    const { tail, metrics } = this.deps;
    if (!this.deps.wanted()) return tail.forget();
    for (let n = 0; n < CHUNKS_PER_TICK; n++) {
      const chunk = tail.read(CHUNK);
      if (chunk === null) return;
      const events = chunk.lines.map(pullEvent).filter((e): e is WebhookEvent => e !== null);
      await Promise.all(events.map((e) => this.deps.emit(e)));
      if (events.length > 0)
        metrics.inc("ops_policy_pull_events_total", "pulls read from the audit log", {}, events.length);
      await tail.commit(chunk.next);
    }
  }

  /** Ticks every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Stops ticking; resolves when a tick in progress has ended (its place kept). */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
