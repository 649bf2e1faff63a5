import { strict as assert } from "node:assert";
import { LimitError, send, sendLines } from "../../../src/registry/http.js";
import { drip, endlessCatalog, fakeHttp, type FakePeer } from "../../helpers/fake-peers.js";

const rejectsWith = async (p: Promise<unknown>, limit: LimitError["limit"], re: RegExp) => {
  const err = await p.then(
    () => assert.fail("expected a LimitError"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof LimitError, String(err));
  assert.equal(err.limit, limit);
  assert.match(err.message, re);
};

describe("registry/http: every request is bounded", () => {
  let peer: FakePeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it("a body larger than the byte cap stops at the cap, declared or streamed", async () => {
    peer = await fakeHttp((req, res) => endlessCatalog(res, 1.5 * 1024 ** 3, req.url === "/declared"));
    const ep = { url: peer.url };
    const limits = { maxBytes: 1024 * 1024 };
    await rejectsWith(
      send(ep, "GET", "/streamed", { limits }),
      "bytes",
      /larger than 1048576 bytes \(--max-bytes\)/,
    );
    await rejectsWith(send(ep, "GET", "/declared", { limits }), "bytes", /larger than/);
  });

  it("a server that drips one byte at a time: the idle timeout, then the total deadline", async () => {
    peer = await fakeHttp((req, res) => drip(res, req.url === "/slow" ? 5000 : 50));
    const ep = { url: peer.url };
    const t0 = Date.now();
    await rejectsWith(send(ep, "GET", "/slow", { limits: { idleMs: 200 } }), "idle", /no data for 0.2 s/);
    assert.ok(Date.now() - t0 < 1000);
    const t1 = Date.now();
    await rejectsWith(
      send(ep, "GET", "/fast-drip", { limits: { idleMs: 200, deadlineMs: 400 } }),
      "deadline",
      /no complete answer in 0.4 s \(--timeout\)/,
    );
    assert.ok(Date.now() - t1 < 1000);
  });

  it("a server that accepts and never answers: the idle timeout", async () => {
    peer = await fakeHttp(() => undefined);
    await rejectsWith(send({ url: peer.url }, "GET", "/", { limits: { idleMs: 150 } }), "idle", /no data/);
  });

  it("lines come one at a time; a line without end beyond the cap is an error", async () => {
    peer = await fakeHttp((req, res) => {
      if (req.url === "/ok") res.end("a\nbb\n\nccc");
      else endlessCatalog(res, 10 * 1024 * 1024);
    });
    const got: string[] = [];
    for await (const l of (await sendLines({ url: peer.url }, "GET", "/ok")).lines) got.push(l);
    assert.deepEqual(got, ["a", "bb", "", "ccc"]);
    const long = await sendLines({ url: peer.url }, "GET", "/long", { maxLineBytes: 1000 });
    await rejectsWith(
      (async () => {
        for await (const _ of long.lines);
      })(),
      "line",
      /a line longer than 1000 bytes/,
    );
  });
});
