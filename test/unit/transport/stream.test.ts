import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { LocalTransport } from "../../../src/transport/local.js";
import { commandStream, countBytes, sharedStream } from "../../../src/transport/stream.js";

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe("transport/stream", () => {
  it("counts the bytes that pass", async () => {
    const seen: number[] = [];
    const out = await drain(
      countBytes(Readable.from([Buffer.from("abc"), Buffer.from("de")]), (n) => seen.push(n)),
    );
    assert.equal(out.toString(), "abcde");
    assert.deepEqual(seen, [3, 5]);
  });

  it("streams a command's stdout, gzipped in process when asked", async () => {
    assert.equal((await drain(commandStream(["printf", "%s", "hello images"]))).toString(), "hello images");
    const zipped = await drain(commandStream(["printf", "%s", "hello images"], { gzipLevel: 1 }));
    assert.equal(gunzipSync(zipped).toString(), "hello images");
    const plain = await drain(commandStream(["printf", "%s", "hello images"], { gzipLevel: 0 }));
    assert.equal(plain.toString(), "hello images", "level 0: sent as the command writes it");
  });

  it("fails the stream when the command exits non-zero, naming it and its stderr", async () => {
    const stream = commandStream(["sh", "-c", "printf partial; echo 'no such image' >&2; exit 3"]);
    await assert.rejects(drain(stream), /sh -c .* exited 3: no such image/);
  });

  it("a stream that fails ends the exec with code 255 and the cause, instead of hanging", async function () {
    this.timeout(20_000);
    const t = new LocalTransport("local");
    const r = await t.exec("cat > /dev/null; sleep 30", { stdin: commandStream(["sh", "-c", "exit 4"]) });
    assert.equal(r.code, 255);
    assert.match(r.stderr, /ops could not send the step's input: sh -c exit 4 exited 4/);
  });

  it("shares one source among readers that join within the window; a later one gets its own", async () => {
    let opened = 0;
    const shared = sharedStream(() => {
      opened += 1;
      return Readable.from([Buffer.from("abc"), Buffer.from("def")]);
    }, 50);
    const open = () => shared.read();
    const [a, b] = [open(), open()];
    assert.deepEqual([(await drain(a)).toString(), (await drain(b)).toString()], ["abcdef", "abcdef"]);
    assert.equal(opened, 1);
    assert.equal((await drain(open())).toString(), "abcdef");
    assert.equal(opened, 2);
  });

  it("a reader that goes away does not stop the others; a failing source fails them all", async () => {
    const shared = sharedStream(() => Readable.from([Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)]), 20);
    const [gone, kept] = [shared.read(), shared.read()];
    gone.destroy();
    assert.equal((await drain(kept)).length, 2 << 20);
    const failing = sharedStream(() => commandStream(["sh", "-c", "exit 5"]), 20);
    const [x, y] = [failing.read(), failing.read()];
    // Both are read at once, as the hosts' transports read them.
    const [rx, ry] = await Promise.allSettled([drain(x), drain(y)]);
    for (const r of [rx, ry]) assert.match(r.status === "rejected" ? String(r.reason) : "read", /exited 5/);
  });

  it("start() opens the source for the readers in, before the window ends; later readers get their own", async () => {
    let opened = 0;
    // A window no test outlasts: the readers below end only because start() began the source.
    const shared = sharedStream(() => {
      opened += 1;
      return Readable.from([Buffer.from("one save")]);
    }, 600_000);
    const [a, b] = [shared.read(), shared.read()];
    shared.start();
    assert.deepEqual([(await drain(a)).toString(), (await drain(b)).toString()], ["one save", "one save"]);
    assert.equal(opened, 1);
    shared.start(); // nothing waiting: no source
    assert.equal(opened, 1);
    const late = shared.read();
    shared.start();
    assert.equal((await drain(late)).toString(), "one save");
    assert.equal(opened, 2);
  });

  it("the source runs at the slowest reader's pace: a reader that stops reading holds it back", async () => {
    const MiB = 1 << 20;
    let pulled = 0;
    const source = new Readable({
      highWaterMark: MiB,
      read() {
        pulled += 1;
        this.push(pulled <= 64 ? Buffer.alloc(MiB, pulled) : null);
      },
    });
    const shared = sharedStream(() => source, 600_000, 2 * MiB);
    const [fast, slow] = [shared.read(), shared.read()];
    shared.start();
    let fastBytes = 0;
    fast.on("data", (c: Buffer) => (fastBytes += c.length));
    // Turns of the event loop (no clock): unpaced, the source would be read whole in far fewer.
    for (let i = 0; i < 300; i += 1) await new Promise((r) => setImmediate(r));
    assert.ok(pulled <= 6, `the source was read ${pulled} MiB ahead of a reader that read nothing`);
    assert.ok(fastBytes <= 6 * MiB);
    // Once the slow reader reads, both get every byte.
    const [, slowAll] = await Promise.all([new Promise((r) => fast.on("end", r)), drain(slow)]);
    assert.equal(slowAll.length, 64 * MiB);
    assert.equal(fastBytes, 64 * MiB);
  });
});
