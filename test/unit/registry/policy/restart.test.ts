/**
 * The policy service as its own process (src/registry/policy/main.ts, as the container runs it),
 * killed and started again over the same state folder: webhook events not yet delivered are on
 * disk before the client hears 201, and the next process delivers them, once accepted, under the
 * same delivery id, with the attempts already made counted. A receiver that never answers holds
 * neither the pushes nor the stop.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { bodyOf, listen } from "./loopback.js";
import { digestOf, StorageTree } from "./storage-tree.js";

const SECRET = "0123456789abcdef";
const MAIN = "src/registry/policy/main.ts";

interface Delivery {
  readonly id: string;
  readonly body: string;
  readonly signature: string;
  readonly status: number;
  readonly at: number;
}

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** One run of the service; resolves once it listens, with its port and what it printed. */
async function start(args: string[]): Promise<{ child: ChildProcess; port: number; out: () => string }> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  await until(
    "the service to listen",
    () => /listening on :\d+/.test(out) || child.exitCode !== null,
    30_000,
  );
  const port = Number(/listening on :(\d+)/.exec(out)?.[1]);
  assert.ok(port > 0, out);
  return { child, port, out: () => out };
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<number> {
  const begin = Date.now();
  if (child.exitCode === null && child.signalCode === null) {
    child.kill(signal);
    await once(child, "exit");
  }
  return Date.now() - begin;
}

describe("policy service restarted: webhook events survive", function () {
  this.timeout(60_000);
  const tree = new StorageTree();
  const state = join(tree.root, "state");
  const deliveries: Delivery[] = [];
  /** How the receiver answers: a status, or "hang" (never answers). */
  let mode: number | "hang" = 503;
  const hung: ServerResponse[] = [];
  let registry: Server;
  let receiver: Server;
  let args: string[];
  const running: ChildProcess[] = [];

  before(async () => {
    mkdirSync(state);
    registry = createServer((req, res) => {
      void bodyOf(req).then((body) =>
        res.writeHead(201, { "docker-content-digest": digestOf(body), location: req.url ?? "/" }).end(),
      );
    });
    receiver = createServer((req, res) => {
      void bodyOf(req).then((body) => {
        const status = mode === "hang" ? 0 : mode;
        deliveries.push({
          id: String(req.headers["x-ops-delivery"]),
          body,
          signature: String(req.headers["x-ops-signature-256"]),
          status,
          at: Date.now(),
        });
        if (mode === "hang") hung.push(res);
        else res.writeHead(mode).end();
      });
    });
    const [registryPort, receiverPort] = [await listen(registry), await listen(receiver)];
    const configFile = join(tree.root, "policy.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        accounts: [],
        projects: [{ name: "team", immutable: [], quota: null }],
        webhooks: [
          {
            name: "ci",
            project: "team",
            url: `http://127.0.0.1:${receiverPort}/hook`,
            events: ["PUSH_ARTIFACT"],
            secret: SECRET,
          },
        ],
      }),
    );
    args = [configFile, tree.root, `127.0.0.1:${registryPort}`, "", state, "0"];
  });

  after(async () => {
    for (const c of running) await stop(c, "SIGKILL");
    for (const r of hung) r.destroy();
    receiver.closeAllConnections();
    for (const s of [registry, receiver]) s.close();
    tree.remove();
  });

  beforeEach(() => {
    deliveries.length = 0;
  });

  const push = async (port: number, tag: string): Promise<number> => {
    const img = tree.image("team/app", [10], undefined, tag);
    const res = await fetch(`http://127.0.0.1:${port}/v2/team/app/manifests/${tag}`, {
      method: "PUT",
      body: img.body,
      headers: { "x-ops-user": "dev", host: "registry.test" },
    });
    return res.status;
  };
  /** The queued events on disk (a `.tmp` is a write in progress). */
  const files = (): string[] => readdirSync(state).filter((f) => f.endsWith(".json"));

  it("killed after a failed attempt: the next process delivers the event once, same id, signed, after its backoff", async () => {
    mode = 503;
    const first = await start(args);
    running.push(first.child);
    assert.equal(await push(first.port, "1.0"), 201);
    // On disk before the client heard 201.
    assert.equal(files().length, 1);
    const stored = (): { attempt: number; dueAt: number } =>
      JSON.parse(readFileSync(join(state, files()[0] ?? ""), "utf8")) as { attempt: number; dueAt: number };
    await until("a failed attempt written back", () => files().length === 1 && stored().attempt === 1);
    const { dueAt } = stored();
    await stop(first.child, "SIGKILL");
    const [failed] = deliveries;
    assert.equal(failed?.status, 503);

    mode = 200;
    const second = await start(args);
    running.push(second.child);
    assert.match(second.out(), /1 webhook event\(s\) queued again/);
    await until("the delivery", () => deliveries.some((d) => d.status === 200));
    await until("the file's removal", () => files().length === 0);
    // Nothing more comes: exactly one accepted delivery, under the id of the first attempt.
    await new Promise((r) => setTimeout(r, 1500));
    const accepted = deliveries.filter((d) => d.status === 200);
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0]?.id, failed?.id);
    // The backoff the first process set is kept: no attempt before it.
    assert.ok((accepted[0]?.at ?? 0) >= dueAt, `${accepted[0]?.at} < ${dueAt}`);
    assert.equal(accepted[0]?.body, failed?.body);
    assert.equal(
      accepted[0]?.signature,
      `sha256=${createHmac("sha256", SECRET)
        .update(failed?.body ?? "")
        .digest("hex")}`,
    );
    const event = JSON.parse(accepted[0]?.body ?? "{}") as { type: string; operator: string };
    assert.equal(event.type, "PUSH_ARTIFACT");
    assert.equal(event.operator, "dev");
    const metrics = await (await fetch(`http://127.0.0.1:${second.port}/metrics`)).text();
    assert.match(metrics, /ops_policy_webhook_delivered_total\{project="team",webhook="ci"\} 1/);
    await stop(second.child, "SIGTERM");
  });

  it("a receiver that never answers holds neither pushes nor the stop; the next process delivers all", async () => {
    mode = "hang";
    const first = await start(args);
    running.push(first.child);
    const tags = ["2.0", "2.1", "2.2", "2.3", "2.4", "2.5"];
    for (const tag of tags) {
      const begin = Date.now();
      assert.equal(await push(first.port, tag), 201);
      assert.ok(Date.now() - begin < 1000, `push of ${tag}: ${Date.now() - begin} ms`);
    }
    await until("the attempts in flight", () => deliveries.length >= 4);
    assert.equal(files().length, tags.length);
    const stopping = await stop(first.child, "SIGTERM");
    assert.ok(stopping < 3000, `stopped in ${stopping} ms`);
    assert.equal(first.child.exitCode, 0, first.out());
    assert.equal(files().length, tags.length, "every event still on disk");

    mode = 200;
    deliveries.length = 0;
    const second = await start(args);
    running.push(second.child);
    await until("every file removed", () => files().length === 0);
    const ids = new Set(deliveries.filter((d) => d.status === 200).map((d) => d.id));
    assert.equal(ids.size, tags.length);
    await stop(second.child, "SIGTERM");
  });
});
