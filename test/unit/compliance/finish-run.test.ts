/**
 * After a run: stored in history, reports written atomically, and one notification only when
 * something newly failed or was fixed, posted to a real HTTP server on loopback.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finishRun } from "../../../src/compliance/finish-run.js";
import { openHistory } from "../../../src/compliance/history/open.js";
import type { HistoryStore } from "../../../src/compliance/history/sql-store.js";
import type { NotifyMessage } from "../../../src/compliance/notify.js";
import { run } from "./support/runs.js";

describe("finishing a compliance run", () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-finish-"));
  let store: HistoryStore;
  let server: Server;
  let url = "";
  const received: NotifyMessage[] = [];
  before(async () => {
    store = await openHistory(join(dir, "history.sqlite"));
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        received.push(JSON.parse(body) as NotifyMessage);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook?token=s3cret`;
  });
  after(async () => {
    await store.close();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const reportDir = () => join(dir, "reports");
  const night = (id: string, day: number, icc: "pass" | "fail") =>
    run(id, `2026-05-0${day}T02:00:00Z`, {
      "el9-1": { "cis.2.2": icc, "cis.2.15": "pass" },
    });

  it("the first run: stored, reports written, nothing failing so nothing sent", async () => {
    const done = await finishRun(night("n1", 1, "pass"), {
      store,
      reportDir: reportDir(),
      junit: "<testsuites/>\n",
      notifyUrl: url,
    });
    assert.equal(done.notified, undefined);
    assert.deepEqual(readdirSync(reportDir()).sort(), [
      "junit.xml",
      "ops_check.prom",
      "report.html",
      "report.json",
    ]);
    assert.equal(
      (JSON.parse(readFileSync(join(reportDir(), "report.json"), "utf8")) as { id: string }).id,
      "n1",
    );
    assert.deepEqual(received, []);
  });

  it("a new failure: exactly one message, naming it", async () => {
    const done = await finishRun(night("n2", 2, "fail"), { store, reportDir: reportDir(), notifyUrl: url });
    assert.match(done.notified ?? "", /1 newly failing: el9-1 cis.2.2/);
    assert.equal(received.length, 1);
    assert.deepEqual(
      received[0]?.newlyFailing.map((i) => i.check),
      ["cis.2.2"],
    );
    assert.equal(received[0]?.fixed.length, 0);
  });

  it("the same failure the next night: no message", async () => {
    await finishRun(night("n3", 3, "fail"), { store, reportDir: reportDir(), notifyUrl: url });
    assert.equal(received.length, 1);
  });

  it("fixed: one message saying so; the history kept every run", async () => {
    await finishRun(night("n4", 4, "pass"), { store, reportDir: reportDir(), notifyUrl: url });
    assert.equal(received.length, 2);
    assert.deepEqual(
      received[1]?.fixed.map((i) => i.check),
      ["cis.2.2"],
    );
    assert.deepEqual(
      (await store.listRuns({ limit: 10 })).map((r) => r.id),
      ["n4", "n3", "n2", "n1"],
    );
    assert.deepEqual(
      readdirSync(reportDir()).filter((f) => f.endsWith(".tmp")),
      [],
      "no temporary file left",
    );
  });

  it("a --limit run is not the other hosts' previous run: a full run after it reports nothing old as new", async () => {
    const inv = "/srv/ops/limited.yaml";
    const full = (id: string, day: number, b: "pass" | "fail") =>
      run(id, `2026-05-1${day}T02:00:00Z`, { a: { "cis.2.2": "pass" }, b: { "cis.2.2": b } }, inv);
    const before = received.length;
    await finishRun(full("l1", 1, "fail"), { store, notifyUrl: url });
    assert.equal(received.length, before + 1, "b failing is new");
    await finishRun(run("l2", "2026-05-12T02:00:00Z", { a: { "cis.2.2": "pass" } }, inv, { targets: "a" }), {
      store,
      notifyUrl: url,
    });
    assert.equal(received.length, before + 1, "the limited run changes nothing");
    await finishRun(full("l3", 3, "fail"), { store, notifyUrl: url });
    assert.equal(received.length, before + 1, "b failed in its own previous run (l1): nothing is new");
    assert.equal((await store.listRuns({ limit: 1, inventory: inv }))[0]?.targets, "all");
  });

  it("retention after storing: --keep-runs deletes the oldest runs", async () => {
    const done = await finishRun(run("k1", "2026-05-20T02:00:00Z", { a: { x: "pass" } }, "/srv/k.yaml"), {
      store,
      retention: { keepRuns: 2 },
    });
    assert.ok((done.pruned ?? 0) > 0);
    assert.deepEqual(
      (await store.listRuns({ limit: 10 })).map((r) => r.id),
      ["k1", "l3"],
    );
  });

  it("a receiver that refuses: an error that does not repeat the URL (it may hold a token)", async () => {
    const refusing = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
    const address = refusing.address();
    const bad = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/?token=s3cret`;
    try {
      await assert.rejects(
        finishRun(night("n5", 5, "fail"), { store, notifyUrl: bad }),
        (e: unknown) =>
          e instanceof Error && /refused: HTTP 500/.test(e.message) && !e.message.includes("s3cret"),
      );
    } finally {
      await new Promise((r) => refusing.close(r));
    }
  });
});
