/**
 * Webhook delivery against receivers on loopback that misbehave: one that redirects to another
 * origin (never followed), one that never answers (each attempt has a deadline), a flood of events
 * (the queue is bounded and counts what it drops).
 */
import { strict as assert } from "node:assert";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Metrics } from "../../../../src/registry/policy/metrics.js";
import {
  backoff,
  DELIVERY,
  WebhookQueue,
  type WebhookEvent,
} from "../../../../src/registry/policy/webhooks.js";
import type { PolicyWebhook } from "../../../../src/registry/policy/config.js";

const event: WebhookEvent = { type: "PUSH_ARTIFACT", project: "team", operator: "dev", data: {}, at: 0 };
const fast = { attempts: 2, firstDelayMs: 20, maxDelayMs: 40, timeoutMs: 300, capacity: 3, concurrency: 1 };

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const hook = (url: string): PolicyWebhook => ({
  name: "w",
  project: "team",
  url,
  events: ["PUSH_ARTIFACT"],
  secret: "0123456789abcdef",
});

async function drain(q: WebhookQueue): Promise<void> {
  for (let i = 0; i < 200 && q.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
}

describe("policy: webhook delivery", function () {
  this.timeout(10_000);

  it("never follows a redirect: the other origin gets nothing and the attempt fails", async () => {
    let otherHits = 0;
    const other = await serve((_req, res) => {
      otherHits += 1;
      res.end();
    });
    const redirector = await serve((_req, res) =>
      res.writeHead(307, { location: `${other.url}/steal` }).end(),
    );
    const metrics = new Metrics();
    const q = new WebhookQueue(metrics, fast);
    q.emit([hook(redirector.url)], event);
    await drain(q);
    assert.equal(otherHits, 0);
    assert.match(metrics.text(), /ops_policy_webhook_given_up_total\{project="team",webhook="w"\} 1/);
    other.server.close();
    redirector.server.close();
  });

  it("gives each attempt a deadline: a receiver that never answers does not hold the queue", async () => {
    const silent = await serve(() => undefined);
    const metrics = new Metrics();
    const q = new WebhookQueue(metrics, fast);
    const start = Date.now();
    q.emit([hook(silent.url)], event);
    await drain(q);
    assert.equal(q.pending, 0);
    assert.ok(Date.now() - start < 2000, `${Date.now() - start} ms`);
    assert.match(metrics.text(), /ops_policy_webhook_failed_attempts_total\{project="team",webhook="w"\} 2/);
    silent.server.closeAllConnections();
    silent.server.close();
  });

  it("bounds the queue, counts what it drops, and sends only the events a webhook asked for", async () => {
    const metrics = new Metrics();
    let sent = 0;
    const q = new WebhookQueue(metrics, { ...fast, concurrency: 0 }, () => {
      sent += 1;
      return Promise.resolve(new Response(null, { status: 204 }));
    });
    for (let i = 0; i < 10; i++) q.emit([hook("http://127.0.0.1:9/x")], event);
    q.emit([hook("http://127.0.0.1:9/x")], { ...event, type: "DELETE_ARTIFACT" });
    q.emit([hook("http://127.0.0.1:9/x")], { ...event, project: "other" });
    assert.equal(q.pending, 3);
    assert.equal(sent, 0);
    assert.match(metrics.text(), /ops_policy_webhook_dropped_total\{project="team",webhook="w"\} 7/);
    q.close();
  });

  it("backs off exponentially, capped", () => {
    assert.deepEqual(
      [1, 2, 3, 10].map((n) => backoff(DELIVERY, n)),
      [1000, 2000, 4000, 60_000],
    );
  });
});
