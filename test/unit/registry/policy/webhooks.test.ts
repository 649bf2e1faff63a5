/**
 * Webhook delivery against receivers on loopback that misbehave: one that redirects to another
 * origin (never followed), one that never answers (each attempt has a deadline), a flood of events
 * (the queue is bounded and counts what it drops), one that streams an endless answer; the queue kept
 * on disk (webhook-store.ts): bounded, read back by a new queue, no secret written.
 */
import { strict as assert } from "node:assert";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { JobStore } from "../../../../src/registry/policy/webhook-store.js";

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
    const q = new WebhookQueue(
      metrics,
      { ...fast, concurrency: 0 },
      {
        send: () => {
          sent += 1;
          return Promise.resolve(new Response(null, { status: 204 }));
        },
      },
    );
    for (let i = 0; i < 10; i++) q.emit([hook("http://127.0.0.1:9/x")], event);
    q.emit([hook("http://127.0.0.1:9/x")], { ...event, type: "DELETE_ARTIFACT" });
    q.emit([hook("http://127.0.0.1:9/x")], { ...event, project: "other" });
    assert.equal(q.pending, 3);
    assert.equal(sent, 0);
    assert.match(metrics.text(), /ops_policy_webhook_dropped_total\{project="team",webhook="w"\} 7/);
    await q.close();
  });

  it("backs off exponentially, capped", () => {
    assert.deepEqual(
      [1, 2, 3, 10].map((n) => backoff(DELIVERY, n)),
      [1000, 2000, 4000, 60_000],
    );
  });
});

describe("policy: webhook queue on disk", function () {
  this.timeout(10_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-unit-webhook-store-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const json = (): string[] => readdirSync(dir).filter((f) => f.endsWith(".json"));

  it("keeps on disk what it holds in memory: bounded, the newest kept, no secret or URL written", async () => {
    const q = new WebhookQueue(new Metrics(), { ...fast, concurrency: 0 }, { store: new JobStore(dir) });
    for (let i = 0; i < 10; i++)
      await q.emit([hook("http://127.0.0.1:9/x")], { ...event, operator: `u${i}` });
    await q.close();
    const files = json();
    assert.equal(files.length, 3);
    const text = files.map((f) => readFileSync(join(dir, f), "utf8")).join("");
    for (const i of [7, 8, 9]) assert.match(text, new RegExp(`\\\\"operator\\\\":\\\\"u${i}\\\\"`));
    assert.doesNotMatch(text, /0123456789abcdef|127\.0\.0\.1/);
  });

  it("a new queue takes the jobs back with their ids; what is not a job is removed and named", async () => {
    const store = new JobStore(dir);
    const q = new WebhookQueue(new Metrics(), { ...fast, concurrency: 0 }, { store });
    await q.emit([hook("http://127.0.0.1:9/x")], event);
    await q.close();
    writeFileSync(join(dir, "000000000000001-000000-00000000-0000-0000-0000-000000000000.json"), "{not json");
    writeFileSync(join(dir, "x.json.123.abcd.tmp"), "half");
    const ids: string[] = [];
    const again = new WebhookQueue(new Metrics(), fast, {
      store,
      lookup: () => hook("http://127.0.0.1:9/x"),
      send: (_url, init) => {
        ids.push(String((init?.headers as Record<string, string>)["x-ops-delivery"]));
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    const { restored, bad } = again.restore();
    assert.equal(restored, 1);
    assert.equal(bad.length, 2);
    await drain(again);
    await again.close();
    assert.equal(ids.length, 1);
    assert.deepEqual(readdirSync(dir), []);
    assert.match(ids[0] ?? "", /^[0-9a-f-]{36}$/);
  });

  it("a webhook removed from the config gets nothing more; its jobs are dropped and counted", async () => {
    const metrics = new Metrics();
    let sent = 0;
    const q = new WebhookQueue(metrics, fast, {
      store: new JobStore(dir),
      lookup: () => undefined,
      send: () => {
        sent += 1;
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    await q.emit([hook("http://127.0.0.1:9/x")], event);
    await drain(q);
    await q.close();
    assert.equal(sent, 0);
    assert.deepEqual(json(), []);
    assert.match(metrics.text(), /ops_policy_webhook_dropped_total\{project="team",webhook="w"\} 1/);
  });

  it("a receiver streaming an endless answer: its status counts, the body is never read", async () => {
    const endless = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const more = (): void => {
        while (res.write(chunk));
        res.once("drain", more);
      };
      more();
      res.on("close", () => res.removeAllListeners("drain"));
    });
    const metrics = new Metrics();
    const q = new WebhookQueue(metrics, fast, { store: new JobStore(dir) });
    const start = Date.now();
    await q.emit([hook(endless.url)], event);
    await drain(q);
    assert.equal(q.pending, 0);
    assert.ok(Date.now() - start < 1000, `${Date.now() - start} ms`);
    assert.match(metrics.text(), /ops_policy_webhook_delivered_total\{project="team",webhook="w"\} 1/);
    // The file's removal follows the delivery; close() waits for it.
    await q.close();
    assert.deepEqual(json(), []);
    endless.server.closeAllConnections();
    endless.server.close();
  });
});
