import assert from "node:assert/strict";
import { ConnectError } from "../../../src/errors.js";
import { FakeTransport, fakeConnector, ok } from "../../../src/transport/fake.js";

describe("fake transport", () => {
  it("answers from rules in order, records calls and counts commands", async () => {
    const t = new FakeTransport(
      "web1",
      [
        { match: /^rpm -q/, result: ok("docker-ce-27.1.1\n") },
        { match: (s) => s.includes("cat"), result: (_s, stdin) => ok(stdin ?? "") },
      ],
      { become: true },
    );
    assert.deepEqual(await t.exec("rpm -q docker-ce"), ok("docker-ce-27.1.1\n"));
    assert.deepEqual(await t.exec("cat > /tmp/x", { stdin: Buffer.from("data"), become: false }), ok("data"));
    const miss = await t.exec("uname -r");
    assert.equal(miss.code, 127);
    assert.match(miss.stderr, /no fake rule matches: uname -r/);
    assert.equal(t.commandCount, 3);
    assert.deepEqual(t.calls, [
      { script: "rpm -q docker-ce", stdin: undefined, become: true },
      { script: "cat > /tmp/x", stdin: "data", become: false },
      { script: "uname -r", stdin: undefined, become: true },
    ]);
  });

  it("drains a stream on stdin and keeps its exact bytes", async () => {
    const { Readable } = await import("node:stream");
    const t = new FakeTransport("h", [{ match: /cat/, result: (_s, stdin) => ok(String(stdin?.length)) }]);
    const bytes = Buffer.from([0, 255, 10, 128]);
    assert.equal(
      (await t.exec("cat", { stdin: Readable.from([bytes.subarray(0, 2), bytes.subarray(2)]) })).stdout,
      "4",
    );
    assert.deepEqual(t.calls[0]?.stdinBytes, bytes);
  });

  it("accepts a responder function and a fallback", async () => {
    const t = new FakeTransport("h", async (script) => ok(script.toUpperCase()));
    assert.equal((await t.exec("abc")).stdout, "ABC");
    const f = new FakeTransport("h", [], { fallback: ok("default") });
    assert.equal((await f.exec("anything")).stdout, "default");
  });

  it("simulates a dropped connection, now or after N commands", async () => {
    const t = new FakeTransport("web1", [], { fallback: ok(), dropAfter: 1 });
    await t.exec("one");
    await assert.rejects(t.exec("two"), (e) => e instanceof ConnectError && /lost/.test(e.message));
    const u = new FakeTransport("web2", [], { fallback: ok() });
    u.drop("sshd restarted");
    await assert.rejects(u.exec("x"), /connection to web2 lost: sshd restarted/);
  });

  it("plays hosts that never connect, and records close", async () => {
    const down = new FakeTransport("db1", [], { unreachable: "connection refused by db1:22" });
    const up = new FakeTransport("web1", []);
    const connect = fakeConnector({ db1: down, web1: up });
    assert.equal(await connect("web1"), up);
    await assert.rejects(connect("db1"), (e) => e instanceof ConnectError && e.host === "db1");
    await assert.rejects(connect("nobody"), ConnectError);
    await up.close();
    assert.equal(up.closed, true);
  });
});
