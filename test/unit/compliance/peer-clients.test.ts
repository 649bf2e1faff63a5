// The database and webhook clients of `ops check` against peers on 127.0.0.1 that misbehave: a
// PostgreSQL server that answers the startup with an error and holds the socket, one that never
// answers, and a webhook that redirects elsewhere.
import { strict as assert } from "node:assert";
import { openHistory } from "../../../src/compliance/history/open.js";
import { pgLimits, postgresDriver } from "../../../src/compliance/history/postgres.js";
import { postNotification, type NotifyMessage } from "../../../src/compliance/notify.js";
import { PeerError } from "../../../src/errors.js";
import { fakeHttp, fakeTcp, pgError, pgReady, type FakePeer } from "../../helpers/fake-peers.js";

const message = { text: "1 newly failing" } as NotifyMessage;

describe("peer clients: PostgreSQL and the webhook", () => {
  const peers: FakePeer[] = [];
  afterEach(async () => {
    for (const p of peers.splice(0)) await p.close();
  });

  it("PostgreSQL: an error at startup on a socket the server keeps open fails, and ops closes the socket", async () => {
    let closedByClient = false;
    const db = await fakeTcp((socket) => {
      socket.once("data", () => socket.write(pgError("no pg_hba.conf entry \u001b[2J for host")));
      socket.on("end", () => (closedByClient = true));
      socket.on("close", () => (closedByClient = true));
    });
    peers.push(db);
    await assert.rejects(postgresDriver(`postgres://ops@127.0.0.1:${db.port}/ops`), /no pg_hba.conf entry/);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(closedByClient, "the socket stayed open: the process would never exit");
  });

  it("PostgreSQL: a server that never answers misses the connect deadline (connect_timeout in the URL)", async () => {
    const db = await fakeTcp(() => undefined);
    peers.push(db);
    const t0 = Date.now();
    await assert.rejects(
      postgresDriver(`postgres://ops@127.0.0.1:${db.port}/ops?connect_timeout=1`),
      /timeout/i,
    );
    assert.ok(Date.now() - t0 < 2000);
  });

  describe("a PostgreSQL server that fails is a PeerError naming it, its password masked (exit 2)", () => {
    const failed = async (url: string, message: RegExp) => {
      await assert.rejects(openHistory(url), (e: unknown) => {
        assert.ok(e instanceof PeerError, String(e));
        assert.match(e.source, /^PostgreSQL at postgres:\/\/ops:\*\*\*@127\.0\.0\.1:\d+\/ops/);
        assert.doesNotMatch(e.message, /s3cret/);
        assert.match(e.message, message);
        return true;
      });
    };

    it("the connection is refused", () =>
      failed(
        "postgres://ops:s3cret@127.0.0.1:1/ops",
        /cannot open the history database \(--history\): ECONNREFUSED/,
      ));

    it("the server answers the startup with an error and holds the socket", async () => {
      const db = await fakeTcp((socket) =>
        socket.once("data", () => socket.write(pgError("too many connections"))),
      );
      peers.push(db);
      await failed(`postgres://ops:s3cret@127.0.0.1:${db.port}/ops`, /too many connections/);
    });

    it("the server never answers: the connect deadline", async () => {
      const db = await fakeTcp(() => undefined);
      peers.push(db);
      await failed(`postgres://ops:s3cret@127.0.0.1:${db.port}/ops?connect_timeout=1`, /timeout/i);
    });

    it("the server lets ops in, then never answers a query: the query deadline", async () => {
      const db = await fakeTcp((socket) => socket.once("data", () => socket.write(pgReady())));
      peers.push(db);
      const t0 = Date.now();
      await failed(`postgres://ops:s3cret@127.0.0.1:${db.port}/ops?query_timeout=1`, /timeout/i);
      assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms for a 1 s deadline`);
    });
  });

  it("PostgreSQL deadlines: defaults, URL parameters (removed before connecting), bad values refused", () => {
    assert.deepEqual(pgLimits("postgres://db/ops").limits, {
      connectMs: 10_000,
      queryMs: 60_000,
      totalMs: 600_000,
    });
    const { url, limits } = pgLimits(
      "postgres://db/ops?connect_timeout=3&query_timeout=5&total_timeout=60&sslmode=require",
    );
    assert.deepEqual(limits, { connectMs: 3000, queryMs: 5000, totalMs: 60_000 });
    assert.equal(url, "postgres://db/ops?sslmode=require");
    assert.throws(
      () => pgLimits("postgres://db/ops?query_timeout=0"),
      /query_timeout=0 is not a number of seconds/,
    );
  });

  it("the webhook: a 307 to another host is not followed; the message is never sent there", async () => {
    const elsewhere = await fakeHttp((_req, res) => res.end("ok"));
    const hook = await fakeHttp((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/steal` });
      res.end();
    });
    peers.push(elsewhere, hook);
    await assert.rejects(
      postNotification(`${hook.url}/hook`, message),
      /not delivered: the webhook answered HTTP 307, a redirect ops does not follow/,
    );
    assert.equal(hook.count(), 1);
    assert.equal(elsewhere.count(), 0, "the message was re-sent to another host");
  });
});
