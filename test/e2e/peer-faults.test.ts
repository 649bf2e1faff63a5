/**
 * The fault suite: the built CLI against peers on 127.0.0.1 that misbehave in every way issue-style
 * reports found (a registry, a PostgreSQL speaker, a webhook). Each case asserts the exit code, the
 * message naming the source, a time under twice the deadline the test sets by option (from the peer's
 * first request to the child's exit: start-up is not the bound's to cover), a peak child
 * memory under 200 MB, and that no raw control or bidirectional character reaches stdout or stderr.
 * No lab host is used: nothing here needs the lab lock.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UNSAFE_MULTILINE } from "../../src/report/printable.js";
import {
  drip,
  endlessCatalog,
  fakeHttp,
  fakeTcp,
  pgError,
  pgReady,
  registryInventory,
  sha256,
  type FakePeer,
} from "../helpers/fake-peers.js";
import { runBounded, type BoundedResult } from "./helpers/bounded-run.js";

const MAX_RSS_MB = 200;

let peer: FakePeer | undefined;

function bounded(r: BoundedResult, code: number, message: RegExp, withinMs: number): void {
  const ms = r.endedAt - (peer?.firstAt() ?? r.endedAt - r.ms);
  const shown = `exit ${r.code} in ${ms} ms after the first request (${r.ms} ms in all), ${r.peakMb.toFixed(0)} MB\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
  // The figures, for the closing note and for anyone tuning a bound.
  console.log(`        exit ${r.code}, ${ms} ms after the first request, peak RSS ${r.peakMb.toFixed(0)} MB`);
  assert.equal(r.code, code, shown);
  assert.match(r.stderr, message, shown);
  assert.ok(ms < withinMs, `took ${ms} ms, the bound is ${withinMs} ms\n${shown}`);
  assert.ok(r.peakMb > 0 && r.peakMb < MAX_RSS_MB, `peak RSS ${r.peakMb} MB\n${shown}`);
  assert.doesNotMatch(r.stdout, UNSAFE_MULTILINE, "a raw control byte on stdout");
  assert.doesNotMatch(r.stderr, UNSAFE_MULTILINE, "a raw control byte on stderr");
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, "a stack trace");
}

const json = (res: ServerResponse, doc: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(200, { "content-type": "application/json", ...headers });
  res.end(typeof doc === "string" ? doc : JSON.stringify(doc));
};

const auditLine = (o: Record<string, unknown>) =>
  JSON.stringify({
    time: "2026-12-01T10:00:00+00:00",
    service: "registry",
    user: "dev\u001b[31m",
    action: "push",
    kind: "manifest",
    project: "team",
    repository: "team/app\u202e",
    reference: "v1",
    method: "PUT",
    status: 201,
    digest: "",
    client: "10.0.0.6\r",
    ...o,
  });

describe("peer faults: the built CLI against misbehaving peers on 127.0.0.1", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => (dir = mkdtempSync(join(tmpdir(), "ops-peer-faults-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  /** A fake registry and an inventory pointing at it; returns the inventory file. */
  async function registry(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    peer = await fakeHttp(handler);
    const file = join(dir, `hosts-${peer.port}.yaml`);
    writeFileSync(file, registryInventory(peer.port));
    return file;
  }

  describe("a registry", () => {
    it("a 1.5 GB catalog stops at the byte cap (default 32 MiB)", async () => {
      const inv = await registry((_req, res) => endlessCatalog(res, 1.5 * 1024 ** 3));
      const r = await runBounded(["registry", "ls", "-i", inv, "--timeout", "20"], 60_000);
      bounded(
        r,
        2,
        /the registry at http:\/\/127\.0\.0\.1:\d+: GET .*larger than 33554432 bytes \(--max-bytes\)/,
        40_000,
      );
    });

    it("a body dripping 1 byte every 5 s ends at the idle timeout", async () => {
      const inv = await registry((_req, res) => drip(res, 5000));
      const r = await runBounded(["registry", "ls", "-i", inv, "--idle-timeout", "2"], 30_000);
      bounded(r, 2, /no data for 2 s \(--idle-timeout\)/, 4000);
    });

    it("a body dripping fast enough for the idle timeout ends at the total deadline", async () => {
      const inv = await registry((_req, res) => drip(res, 100));
      const r = await runBounded(
        ["registry", "ls", "-i", inv, "--timeout", "2", "--idle-timeout", "1"],
        30_000,
      );
      bounded(r, 2, /no complete answer in 2 s \(--timeout\)/, 4000);
    });

    it("catalog pages that are always full stop at the page cap; repeated pages at once", async () => {
      let n = 0;
      const names = () =>
        Array.from({ length: 1000 }, (_, i) => `p/r${String(n * 1000 + i).padStart(9, "0")}`);
      const inv = await registry((_req, res) => json(res, { repositories: names() }, (n++, {})));
      const r = await runBounded(["registry", "ls", "-i", inv, "--max-pages", "20"], 30_000);
      bounded(r, 2, /more than 20 pages\n {2}hint: --max-pages N allows more pages/, 10_000);
      assert.equal(peer?.count(), 20);
      await peer?.close();
      const same = await registry((_req, res) => json(res, { repositories: Array(1000).fill("p/r") }));
      const r2 = await runBounded(["registry", "ls", "-i", same], 30_000);
      bounded(r2, 2, /the pages do not advance/, 10_000);
      assert.equal(peer?.count(), 2);
    });

    it("an index that lists its own digest is a cycle, not 168k requests", async () => {
      const self = sha256("an index");
      const inv = await registry((req, res) => {
        if (req.url?.startsWith("/v2/_catalog")) return json(res, { repositories: ["p/r"] });
        if (req.url?.includes("/tags/list")) return json(res, { tags: ["v1"] });
        json(res, { manifests: [{ digest: self, size: 1 }] }, { "docker-content-digest": self });
      });
      const r = await runBounded(["registry", "ls", "-i", inv], 30_000);
      bounded(r, 2, /p\/r: the index sha256:[0-9a-f]{64} lists itself \(a cycle\)/, 10_000);
      assert.equal(peer?.count(), 3);
    });

    it("a catalog that is not JSON: a clear error, no SyntaxError", async () => {
      const inv = await registry((_req, res) => json(res, "<html>\u001b[2J oops"));
      const r = await runBounded(["registry", "ls", "-i", inv], 30_000);
      bounded(r, 2, /GET \/v2\/_catalog\?n=1000: the answer is not JSON/, 10_000);
    });

    it("audit lines with a bad time, a numeric or a missing reference: events printed escaped, then exit 2", async () => {
      const { reference: _r, ...noReference } = JSON.parse(auditLine({})) as Record<string, unknown>;
      const lines = [
        auditLine({}),
        auditLine({ time: "not a date" }),
        auditLine({ reference: 42 }),
        JSON.stringify(noReference),
      ];
      const inv = await registry((_req, res) => json(res, `${lines.join("\n")}\n`));
      const r = await runBounded(["registry", "audit", "-i", inv], 30_000);
      bounded(
        r,
        2,
        /3 line\(s\) of the audit log are not audit records \(line 2: 'time' is not a date\)/,
        10_000,
      );
      assert.match(r.stdout, /dev\\u001b\[31m +push +team\/app\\u202e:v1 .*10\.0\.0\.6\\r/);
      for (const [shape, problem] of [
        [auditLine({ reference: 42 }), "'reference' is not a string"],
        [JSON.stringify(noReference), "'reference' is missing"],
      ] as const) {
        await peer?.close();
        const one = await registry((_req, res) => json(res, `${shape}\n`));
        bounded(
          await runBounded(["registry", "audit", "-i", one, "-o", "json"], 30_000),
          2,
          new RegExp(`line 1: ${problem}`),
          10_000,
        );
      }
    });

    it("a large audit log is streamed: 150 MB in bounded memory", async () => {
      const line = Buffer.from(
        `${auditLine({ kind: "blob", method: "GET", action: "pull", status: 200 })}\n`.repeat(1000),
      );
      const inv = await registry((req, res) => {
        // The folder listing (rotated parts): none.
        if (req.url === "/ops/audit/") return json(res, [{ name: "audit.log", type: "file" }]);
        res.writeHead(200, { "content-type": "text/plain" });
        let sent = 0;
        const pump = () => {
          while (sent < 150 * 1024 * 1024 && !res.destroyed) {
            sent += line.length;
            if (!res.write(line)) return void res.once("drain", pump);
          }
          res.end();
        };
        pump();
      });
      const r = await runBounded(["registry", "audit", "-i", inv], 90_000);
      bounded(r, 0, /^$/, 90_000);
      assert.match(r.stdout, /no matching events/);
    });

    it("a 401 body with escapes: one escaped line inside the error, no forged line", async () => {
      const inv = await registry((_req, res) => {
        res.writeHead(401);
        res.end("denied\nerror: all good\u001b[2K\u202e");
      });
      const r = await runBounded(["registry", "ls", "-i", inv], 30_000);
      bounded(
        r,
        2,
        /HTTP 401 denied\\nerror: all good\\u001b\[2K\\u202e\n {2}hint: the registry refused root's password/,
        10_000,
      );
      assert.doesNotMatch(r.stderr, /^error: all good/m);
    });
  });

  describe("a PostgreSQL history server (a server that fails is exit 2, named without its password)", () => {
    it("answers the startup with an error and holds the socket: the error prints, escaped, and ops exits", async () => {
      peer = await fakeTcp((socket) =>
        socket.once("data", () => socket.write(pgError('role \u001b[2J\u202e "ops" does not exist'))),
      );
      const url = `postgres://ops:s3cret@127.0.0.1:${peer.port}/ops`;
      const r = await runBounded(["check", "history", "--history", url], 30_000);
      bounded(
        r,
        2,
        /^error: PostgreSQL at postgres:\/\/ops:\*\*\*@127\.0\.0\.1:\d+\/ops: cannot open the history database \(--history\): .*role \\u001b\[2J\\u202e "ops" does not exist/m,
        20_000,
      );
      assert.doesNotMatch(r.stderr, /s3cret/);
    });

    it("never answers: the connect deadline (connect_timeout=2) ends it", async () => {
      peer = await fakeTcp(() => undefined);
      const url = `postgres://ops@127.0.0.1:${peer.port}/ops?connect_timeout=2`;
      const r = await runBounded(["check", "history", "--history", url], 30_000);
      bounded(
        r,
        2,
        /PostgreSQL at postgres:\/\/ops@127\.0\.0\.1:\d+\/.*cannot open the history database .*timeout/i,
        4000,
      );
    });

    it("lets ops in, then never answers a query: the query deadline (query_timeout=2) ends it", async () => {
      peer = await fakeTcp((socket) => socket.once("data", () => socket.write(pgReady())));
      const url = `postgres://ops@127.0.0.1:${peer.port}/ops?query_timeout=2`;
      const r = await runBounded(["check", "history", "--history", url], 30_000);
      bounded(
        r,
        2,
        /PostgreSQL at postgres:\/\/ops@127\.0\.0\.1:\d+\/.*cannot open the history database .*timeout/i,
        4000,
      );
    });

    it("a malformed --history URL stays bad local input: exit 1, nothing sent", async () => {
      peer = await fakeTcp(() => undefined);
      const url = `postgres://ops@127.0.0.1:${peer.port}/ops?connect_timeout=soon`;
      const r = await runBounded(["check", "history", "--history", url], 30_000);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        /--history: 'postgres:\/\/ops@127\.0\.0\.1:\d+\/ops\?connect_timeout=soon' cannot be used: connect_timeout=soon is not a number/,
      );
      assert.equal(peer.count(), 0, "a connection was opened for a URL that is not valid");
    });
  });

  describe("a webhook", () => {
    it("a 307 to another host: not followed, reported as a failed notification, never `notified:`", async () => {
      const elsewhere = await fakeHttp((_req, res) => res.end("ok"));
      peer = await fakeHttp((_req, res) => {
        res.writeHead(307, { location: `${elsewhere.url}/steal` });
        res.end();
      });
      const inv = join(dir, "local.yaml");
      writeFileSync(inv, "all:\n  hosts:\n    controller:\n      ansible_connection: local\n");
      const history = join(dir, "history.sqlite");
      const r = await runBounded(
        ["check", "-i", inv, "--history", history, "--notify", `${peer.url}/hook`],
        60_000,
      );
      await elsewhere.close();
      bounded(
        r,
        2,
        /the notification was not delivered: the webhook answered HTTP 307, a redirect ops does not follow/,
        60_000,
      );
      assert.doesNotMatch(r.stderr + r.stdout, /notified:/);
      assert.equal(elsewhere.count(), 0, "the message went to another host");
    });
  });

  describe("a user regex", () => {
    it("--limit '~(a+)+$' against a host named aaaa…b finishes at once", async () => {
      const inv = join(dir, "aaa.yaml");
      writeFileSync(inv, `all:\n  hosts:\n    ${"a".repeat(60)}b:\n      ansible_host: 127.0.0.1\n`);
      const r = await runBounded(["inventory", "list", "-i", inv, "-l", "~(a+)+$"], 30_000);
      bounded(r, 1, /--limit: no host or group matches '~\(a\+\)\+\$'/, 5000);
    });
  });
});
