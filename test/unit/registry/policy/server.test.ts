/**
 * The policy service over HTTP on loopback, as nginx talks to it: a storage tree in Distribution's
 * layout, a fake registry that records what reaches it, a webhook receiver. A refused write never
 * reaches the registry; an allowed one is forwarded unchanged and its answer relayed.
 */
import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { join } from "node:path";
import { createPolicyService, type PolicyService } from "../../../../src/registry/policy/server.js";
import { Metrics } from "../../../../src/registry/policy/metrics.js";
import { WebhookQueue } from "../../../../src/registry/policy/webhooks.js";
import { bodyOf, listen } from "./loopback.js";
import { digestOf, StorageTree } from "./storage-tree.js";

interface Seen {
  method: string;
  url: string;
  body: string;
  user: string | undefined;
}

describe("policy service over HTTP", function () {
  this.timeout(20_000);
  let tree: StorageTree;
  let registry: Server;
  let receiver: Server;
  let service: PolicyService;
  let base: string;
  let clock = Date.UTC(2027, 0, 1);
  const seen: Seen[] = [];
  // A function, so that an assertion that `seen` is empty does not narrow its type for later reads.
  const requests = (): Seen[] => seen;
  const hooks: { headers: IncomingMessage["headers"]; body: string }[] = [];
  let receiverStatus = 200;

  before(async () => {
    tree = new StorageTree();
    registry = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        seen.push({
          method: req.method ?? "",
          url: req.url ?? "",
          body,
          user: req.headers["x-ops-user"] as string | undefined,
        });
        if (req.url === "/metrics") return res.end("registry_http_requests_total 7\n");
        const status = req.method === "DELETE" ? 202 : 201;
        res.writeHead(status, { "docker-content-digest": digestOf(body), location: req.url ?? "/" });
        res.end();
      });
    });
    receiver = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(receiverStatus).end();
      });
    });
    const [registryPort, receiverPort] = [await listen(registry), await listen(receiver)];
    const configFile = join(tree.root, "policy.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        accounts: [{ name: "robot$ci", expires: Date.UTC(2027, 0, 2) }],
        projects: [{ name: "team", immutable: ["v*"], quota: 12_000 }],
        webhooks: [
          {
            name: "ci",
            project: "team",
            url: `http://127.0.0.1:${receiverPort}/hook`,
            events: ["PUSH_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED"],
            secret: "0123456789abcdef",
          },
        ],
      }),
    );
    const metrics = new Metrics();
    service = createPolicyService({
      configFile,
      storageRoot: tree.root,
      registry: { host: "127.0.0.1", port: registryPort },
      registryMetricsUrl: `http://127.0.0.1:${registryPort}/metrics`,
      now: () => clock,
      metrics,
      queue: new WebhookQueue(metrics, {
        attempts: 3,
        firstDelayMs: 50,
        maxDelayMs: 200,
        timeoutMs: 2000,
        capacity: 10,
        concurrency: 2,
      }),
    });
    base = `http://127.0.0.1:${await listen(service.server)}`;
  });

  after(async () => {
    await service.queue.close();
    for (const s of [service.server, registry, receiver]) s.close();
    tree.remove();
  });

  beforeEach(() => {
    seen.length = 0;
    hooks.length = 0;
    receiverStatus = 200;
  });

  const put = (path: string, body: string, user = "dev") =>
    fetch(`${base}${path}`, {
      method: "PUT",
      body,
      headers: { "x-ops-user": user, "x-forwarded-host": "forged.example" },
    });

  async function settle(): Promise<void> {
    for (let i = 0; i < 100 && service.queue.pending > 0; i++) await new Promise((r) => setTimeout(r, 20));
  }

  it("refuses an expired robot from the instant of its expiry, and no one else", async () => {
    const ask = (user: string) => fetch(`${base}/_ops_auth`, { headers: { "x-ops-user": user } });
    assert.equal((await ask("robot$ci")).status, 204);
    clock = Date.UTC(2027, 0, 2);
    const refused = await ask("robot$ci");
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get("x-ops-detail"), "account robot$ci expired at 2027-01-02T00:00:00.000Z");
    assert.equal((await ask("robot$other")).status, 204);
    clock = Date.UTC(2027, 0, 1);
  });

  it("an immutable tag: a push that would move it is refused and reaches nothing; a new tag goes through", async () => {
    const first = tree.image("team/app", [100], "v1", "a");
    const other = tree.image("team/other", [100], undefined, "b");
    const refused = await put("/v2/team/app/manifests/v1", other.body);
    assert.equal(refused.status, 403);
    const error = ((await refused.json()) as { errors: { code: string; message: string }[] }).errors[0];
    assert.equal(error?.code, "DENIED");
    assert.match(error?.message ?? "", /team\/app:v1 is immutable/);
    assert.deepEqual(seen, [], "the registry got nothing");
    assert.equal((await put("/v2/team/app/manifests/v1", first.body)).status, 201, "the same content again");
    const fresh = await put("/v2/team/app/manifests/v2", other.body);
    assert.equal(fresh.status, 201);
    assert.equal(fresh.headers.get("docker-content-digest"), other.digest, "the registry's answer relayed");
    assert.deepEqual(
      requests().map((s) => [s.method, s.url, s.body === other.body || s.body === first.body, s.user]),
      [
        ["PUT", "/v2/team/app/manifests/v1", true, undefined],
        ["PUT", "/v2/team/app/manifests/v2", true, undefined],
      ],
      "forwarded unchanged, without the service's own header",
    );
    const del = await fetch(`${base}/v2/team/app/manifests/${first.digest}`, { method: "DELETE" });
    assert.equal(del.status, 403, "an immutable tag cannot be deleted either");
  });

  it("a quota: a manifest that would exceed it is refused; what the project holds already costs nothing", async () => {
    const big = tree.image("team/scratch", [9000], undefined, "c"); // stored, untagged: 9000+ bytes used
    const again = await put("/v2/team/app/manifests/copy", big.body);
    assert.equal(again.status, 201, "the same blobs again add only the manifest");
    const over = JSON.stringify({
      schemaVersion: 2,
      layers: [{ mediaType: "x", digest: `sha256:${"e".repeat(64)}`, size: 2000 }],
    });
    const refused = await put("/v2/team/app/manifests/huge", over);
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /storage quota of project team would be exceeded/);
    assert.deepEqual(
      requests().map((s) => s.url),
      ["/v2/team/app/manifests/copy"],
    );
  });

  it("a quota: the commit of an upload that would exceed it is refused before the registry sees it", async () => {
    tree.upload("team/app", "up1", 5000);
    const refused = await fetch(
      `${base}/v2/team/app/blobs/uploads/up1?_state=s&digest=sha256:${"f".repeat(64)}`,
      {
        method: "PUT",
      },
    );
    assert.equal(refused.status, 403);
    assert.deepEqual(
      requests().map((r) => `${r.method} ${r.url}`),
      [`DELETE /v2/team/app/blobs/uploads/up1?_state=s&digest=sha256:${"f".repeat(64)}`],
      "the registry only got the upload cancelled",
    );
    seen.length = 0;
    tree.upload("team/app", "up2", 10);
    const ok = await fetch(`${base}/v2/team/app/blobs/uploads/up2?_state=s&digest=sha256:${"f".repeat(64)}`, {
      method: "PUT",
    });
    assert.equal(ok.status, 201);
    assert.equal(requests().length, 1);
  });

  it("webhooks: one HMAC-signed event per tagged push, none for a push by digest", async () => {
    const img = tree.image("team/hooked", [10], undefined, "d");
    assert.equal((await put(`/v2/team/hooked/manifests/${img.digest}`, img.body)).status, 201);
    assert.equal((await put("/v2/team/hooked/manifests/1.0", img.body, "robot$ci")).status, 201);
    await settle();
    assert.equal(hooks.length, 1);
    const [hook] = hooks;
    const expected = `sha256=${createHmac("sha256", "0123456789abcdef")
      .update(hook?.body ?? "")
      .digest("hex")}`;
    assert.equal(hook?.headers["x-ops-signature-256"], expected);
    assert.equal(hook?.headers["x-ops-event"], "PUSH_ARTIFACT");
    const event = JSON.parse(hook?.body ?? "{}") as {
      type: string;
      operator: string;
      event_data: { resources: { digest: string; tag: string; resource_url: string }[] };
    };
    assert.equal(event.operator, "robot$ci");
    assert.equal(event.event_data.resources.length, 1);
    assert.equal(event.event_data.resources[0]?.digest, img.digest);
    assert.equal(event.event_data.resources[0]?.tag, "1.0");
    // The Host nginx passes on (the registry's name), never a client's X-Forwarded-Host.
    assert.match(event.event_data.resources[0]?.resource_url ?? "", /^127\.0\.0\.1:\d+\/team\/hooked:1\.0$/);
  });

  it("webhooks: a failing receiver is retried with backoff, bounded; the push never waits for it", async () => {
    receiverStatus = 500;
    const img = tree.image("team/hooked", [11], undefined, "e");
    const start = Date.now();
    assert.equal((await put("/v2/team/hooked/manifests/2.0", img.body)).status, 201);
    assert.ok(Date.now() - start < 1000);
    await settle();
    assert.equal(hooks.length, 3, "three attempts, then given up");
    const ids = new Set(hooks.map((h) => h.headers["x-ops-delivery"]));
    assert.equal(ids.size, 1, "one delivery, retried");
    assert.match(
      service.metrics.text(),
      /ops_policy_webhook_given_up_total\{project="team",webhook="ci"\} 1/,
    );
  });

  it("fails closed: a manifest storage cannot read is a refusal, never a guess", async () => {
    tree.manifest("team/broken", "{}");
    // A revision whose manifest blob is gone.
    tree.tag("team/broken", "x", `sha256:${"0".repeat(64)}`);
    writeFileSync(
      join(
        tree.root,
        "docker/registry/v2/repositories/team/broken/_manifests/revisions/sha256",
        "0".repeat(64),
      ),
      "",
    );
    const img = tree.image("team/x", [1], undefined, "f");
    const refused = await put("/v2/team/app/manifests/z", img.body);
    assert.equal(refused.status, 500);
    assert.match(await refused.text(), /could not be evaluated/);
    assert.deepEqual(seen, []);
  });

  it("serves Prometheus text: decisions, usage and quota, expiry, and the registry's own series", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^# TYPE ops_policy_decisions_total counter$/m);
    assert.match(text, /^ops_policy_decisions_total\{action="push",result="immutable"\} 1$/m);
    assert.match(text, /^ops_registry_project_quota_bytes\{project="team"\} 12000$/m);
    assert.match(text, /^ops_registry_account_expiry_timestamp_seconds\{account="robot\$ci"\} 1798848000$/m);
    assert.match(text, /^ops_policy_registry_metrics_up 1$/m);
    assert.match(text, /^registry_http_requests_total 7$/m);
  });
});
