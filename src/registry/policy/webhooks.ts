/**
 * Webhook delivery: each event goes to every webhook of its project that asked for its type, as a
 * JSON body in Harbor's shape, signed with HMAC-SHA256 of the webhook's secret. Delivery runs in the
 * background after the client has its answer, so a slow or dead receiver never delays a push.
 * Everything is bounded: the queue (the oldest job is dropped when it is full, and counted), the
 * attempts (exponential backoff), each attempt's deadline, and what is read of the answer. Redirects
 * are not followed: a 3xx is a failed attempt, so nothing is ever sent to another origin.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { EventType, PolicyWebhook } from "./config.js";
import type { Metrics } from "./metrics.js";

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

interface Job {
  readonly hook: PolicyWebhook;
  readonly type: EventType;
  readonly body: string;
  readonly id: string;
  attempt: number;
}

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
  private readonly jobs: Job[] = [];
  private running = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly metrics: Metrics,
    private readonly options: DeliveryOptions = DELIVERY,
    private readonly send: typeof fetch = fetch,
  ) {}

  /** Queues `event` for each webhook of its project that takes its type. Never throws, never waits. */
  emit(hooks: readonly PolicyWebhook[], event: WebhookEvent): void {
    const body = eventBody(event);
    for (const hook of hooks) {
      if (hook.project !== event.project || !hook.events.includes(event.type)) continue;
      if (this.jobs.length >= this.options.capacity) {
        this.jobs.shift();
        this.count("ops_policy_webhook_dropped_total", "events dropped because the queue was full", hook);
      }
      this.jobs.push({ hook, type: event.type, body, id: randomUUID(), attempt: 0 });
    }
    this.pump();
  }

  /** Jobs waiting or in flight (for tests and the metrics). */
  get pending(): number {
    return this.jobs.length + this.running + this.timers.size;
  }

  /** Cancels the retries waiting (the service is stopping). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.jobs.length = 0;
  }

  private count(name: string, help: string, hook: PolicyWebhook): void {
    this.metrics.inc(name, help, { webhook: hook.name, project: hook.project });
  }

  private pump(): void {
    while (this.running < this.options.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift();
      if (job === undefined) return;
      this.running += 1;
      void this.attempt(job).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async attempt(job: Job): Promise<void> {
    job.attempt += 1;
    let ok = false;
    try {
      const res = await this.send(job.hook.url, {
        method: "POST",
        body: job.body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": "ops-registry-webhook",
          "x-ops-event": job.type,
          "x-ops-delivery": job.id,
          "x-ops-signature-256": signature(job.hook.secret, job.body),
        },
      });
      // The answer is not read: only its status counts.
      await res.body?.cancel().catch(() => undefined);
      ok = res.status >= 200 && res.status < 300;
    } catch {
      ok = false;
    }
    if (ok) {
      this.count("ops_policy_webhook_delivered_total", "events a receiver accepted (2xx)", job.hook);
      return;
    }
    this.count("ops_policy_webhook_failed_attempts_total", "delivery attempts that failed", job.hook);
    if (job.attempt >= this.options.attempts) {
      this.count("ops_policy_webhook_given_up_total", "events given up after every attempt failed", job.hook);
      return;
    }
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.jobs.push(job);
        this.pump();
      },
      backoff(this.options, job.attempt),
    );
    timer.unref();
    this.timers.add(timer);
  }
}
