/**
 * Webhook delivery: each event goes to every webhook of its project that asked for its type, as a
 * JSON body in Harbor's shape, signed with HMAC-SHA256 of the webhook's secret. Delivery runs in the
 * background after the client has its answer, so a slow or dead receiver never delays a push.
 * Everything is bounded: the queue (the oldest job is dropped when it is full, and counted), the
 * attempts (exponential backoff), each attempt's deadline, and what is read of the answer. Redirects
 * are not followed: a 3xx is a failed attempt, so nothing is ever sent to another origin.
 * With a store (webhook-store.ts) every job is on disk before the client's answer and until it is
 * delivered or given up, so a restart loses none: at least once, each with one X-Ops-Delivery id
 * (a receiver sees a repeat only when the service stopped between its 2xx and the file's removal).
 */
import { createHmac, randomUUID } from "node:crypto";
import type { EventType, PolicyWebhook } from "./config.js";
import type { Metrics } from "./metrics.js";
import { jobKey, type JobStore, type StoredJob } from "./webhook-store.js";

export interface WebhookEvent {
  readonly type: EventType;
  readonly project: string;
  /** Harbor's `event_data`. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly operator: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface DeliveryOptions {
  readonly attempts: number;
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
  readonly capacity: number;
  readonly concurrency: number;
}

export const DELIVERY: DeliveryOptions = {
  attempts: 6,
  firstDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 10_000,
  capacity: 1000,
  concurrency: 4,
};

interface Job extends StoredJob {
  /** The webhook as it was when the event was emitted (used when no lookup is given). */
  readonly hook?: PolicyWebhook;
}

/** Where the queue keeps its jobs and how it finds a webhook's current URL and secret. */
export interface QueueDeps {
  readonly send?: typeof fetch;
  /** Persists the jobs (null: memory only, lost on restart). */
  readonly store?: JobStore | null;
  /** The webhook of that name now (policy.json); undefined when it is gone, a throw when unreadable. */
  readonly lookup?: (project: string, name: string) => PolicyWebhook | undefined;
  readonly clock?: () => number;
}

const DROPPED = "ops_policy_webhook_dropped_total";
const DROPPED_HELP =
  "events dropped undelivered: the queue was full (the oldest goes), or their webhook was removed";

/** How long a decision waits for its event to reach the disk before it answers anyway. */
export const PERSIST_WAIT_MS = 1000;

/** The signature header's value for a body: `sha256=<hex>`, as GitHub and others send it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** The delay before attempt `n` (1-based retries): doubling from the first delay, capped. */
export function backoff(options: DeliveryOptions, retry: number): number {
  return Math.min(options.maxDelayMs, options.firstDelayMs * 2 ** (retry - 1));
}

/** The JSON body of an event, Harbor's shape: type, occur_at (seconds), operator, event_data. */
export function eventBody(event: WebhookEvent): string {
  return JSON.stringify({
    type: event.type,
    occur_at: Math.floor(event.at / 1000),
    operator: event.operator,
    event_data: event.data,
  });
}

export class WebhookQueue {
  /** Every job held, waiting or in flight, oldest first (keys only grow within a process). */
  private readonly jobs = new Map<string, Job>();
  private readonly flying = new Set<string>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private seq = 0;
  private closed = false;
  private readonly send: typeof fetch;
  private readonly store: JobStore | null;
  private readonly clock: () => number;

  constructor(
    private readonly metrics: Metrics,
    private readonly options: DeliveryOptions = DELIVERY,
    private readonly deps: QueueDeps = {},
  ) {
    this.send = deps.send ?? fetch;
    this.store = deps.store ?? null;
    this.clock = deps.clock ?? Date.now;
  }

  /**
   * Takes back the jobs a previous run of the service left on disk, with their attempts so far and
   * their next attempt's time; the oldest beyond the capacity are dropped. Call once, at start.
   */
  restore(): { restored: number; bad: string[] } {
    if (this.store === null) return { restored: 0, bad: [] };
    const { jobs, bad } = this.store.load();
    for (const job of jobs) this.hold(job);
    this.pump();
    return { restored: this.jobs.size, bad };
  }

  /**
   * Queues `event` for each webhook of its project that takes its type. Never throws. Resolves once
   * the jobs are on disk (at most PERSIST_WAIT_MS later: a slow disk never holds a decision long),
   * so a client that got its answer has its event persisted.
   */
  emit(hooks: readonly PolicyWebhook[], event: WebhookEvent): Promise<void> {
    const body = eventBody(event);
    const writes: Promise<void>[] = [];
    for (const hook of hooks) {
      if (hook.project !== event.project || !hook.events.includes(event.type)) continue;
      const id = randomUUID();
      const job: Job = {
        key: jobKey(this.clock(), this.seq++, id),
        id,
        project: hook.project,
        webhook: hook.name,
        type: event.type,
        body,
        attempt: 0,
        dueAt: 0,
        hook,
      };
      if (this.hold(job)) writes.push(this.persist(job));
    }
    this.pump();
    if (writes.length === 0) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PERSIST_WAIT_MS);
      timer.unref();
    });
    return Promise.race([Promise.all(writes).then(() => undefined), late]).finally(() => clearTimeout(timer));
  }

  /** Jobs waiting or in flight (for tests and the metrics). */
  get pending(): number {
    return this.jobs.size;
  }

  /**
   * Stops delivering (the service is stopping): no new attempt, the ones in flight are cut, and
   * what is on disk stays there for the next start. Resolves once every write has landed.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.store?.flush();
    this.jobs.clear();
  }

  /** Adds a job, dropping the oldest one not in flight when full; false when even that is impossible. */
  private hold(job: Job): boolean {
    if (this.jobs.size >= this.options.capacity) {
      const victim = [...this.jobs.values()].find((j) => !this.flying.has(j.key));
      if (victim === undefined) {
        this.count(DROPPED, DROPPED_HELP, job);
        return false;
      }
      this.forget(victim);
      this.count(DROPPED, DROPPED_HELP, victim);
    }
    this.jobs.set(job.key, job);
    return true;
  }

  private persist(job: Job): Promise<void> {
    if (this.store === null) return Promise.resolve();
    const { hook: _memoryOnly, ...stored } = job;
    return this.store.save(stored).catch((e: unknown) => {
      // Still queued in memory: delivered unless the service stops first.
      process.stderr.write(
        `ops-policy: event ${job.id} not persisted: ${e instanceof Error ? e.message : String(e)}\n`,
      );
    });
  }

  private forget(job: Job): void {
    this.jobs.delete(job.key);
    void this.store?.remove(job.key).catch((e: unknown) => {
      process.stderr.write(
        `ops-policy: event ${job.id} not removed: ${e instanceof Error ? e.message : String(e)}\n`,
      );
    });
  }

  private count(name: string, help: string, job: { project: string; webhook: string }): void {
    this.metrics.inc(name, help, { webhook: job.webhook, project: job.project });
  }

  /** Starts every due job the concurrency allows, and sets one timer for the next one due. */
  private pump(): void {
    if (this.closed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock();
    let next = Infinity;
    for (const job of this.jobs.values()) {
      if (this.flying.size >= this.options.concurrency) break;
      if (this.flying.has(job.key)) continue;
      if (job.dueAt > now) {
        next = Math.min(next, job.dueAt);
        continue;
      }
      this.flying.add(job.key);
      void this.attempt(job).finally(() => {
        this.flying.delete(job.key);
        this.pump();
      });
    }
    if (next !== Infinity) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - now));
      this.timer.unref();
    }
  }

  private async attempt(job: Job): Promise<void> {
    let hook: PolicyWebhook | undefined;
    try {
      hook = this.deps.lookup !== undefined ? this.deps.lookup(job.project, job.webhook) : job.hook;
    } catch {
      // policy.json unreadable now: a failed attempt, retried as any other.
      return this.failed(job);
    }
    if (hook === undefined) {
      this.forget(job);
      this.count(DROPPED, DROPPED_HELP, job);
      return;
    }
    const ok = await this.deliver(hook, job);
    // Stopping: whatever happened, the file stays as it was and the next start tries again.
    if (this.closed) return;
    if (ok) {
      this.forget(job);
      this.count("ops_policy_webhook_delivered_total", "events a receiver accepted (2xx)", job);
      return;
    }
    return this.failed(job);
  }

  private failed(job: Job): void {
    const attempt = job.attempt + 1;
    this.count("ops_policy_webhook_failed_attempts_total", "delivery attempts that failed", job);
    if (attempt >= this.options.attempts) {
      this.forget(job);
      this.count("ops_policy_webhook_given_up_total", "events given up after every attempt failed", job);
      return;
    }
    const retried: Job = { ...job, attempt, dueAt: this.clock() + backoff(this.options, attempt) };
    this.jobs.set(job.key, retried);
    void this.persist(retried);
  }

  /** One POST of the event; true on a 2xx. The answer's body is never read, only its status. */
  private async deliver(hook: PolicyWebhook, job: Job): Promise<boolean> {
    try {
      const res = await this.send(hook.url, {
        method: "POST",
        body: job.body,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.abort.signal]),
        headers: {
          "content-type": "application/json",
          "user-agent": "ops-registry-webhook",
          "x-ops-event": job.type,
          "x-ops-delivery": job.id,
          "x-ops-signature-256": signature(hook.secret, job.body),
        },
      });
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }
}
