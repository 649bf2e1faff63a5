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
    const open = sharedStream(() => {
      opened += 1;
      return Readable.from([Buffer.from("abc"), Buffer.from("def")]);
    }, 50);
    const [a, b] = [open(), open()];
    assert.deepEqual([(await drain(a)).toString(), (await drain(b)).toString()], ["abcdef", "abcdef"]);
    assert.equal(opened, 1);
    assert.equal((await drain(open())).toString(), "abcdef");
    assert.equal(opened, 2);
  });

  it("a reader that goes away does not stop the others; a failing source fails them all", async () => {
    const open = sharedStream(() => Readable.from([Buffer.alloc(1 << 20), Buffer.alloc(1 << 20)]), 20);
    const [gone, kept] = [open(), open()];
    gone.destroy();
    assert.equal((await drain(kept)).length, 2 << 20);
    const failing = sharedStream(() => commandStream(["sh", "-c", "exit 5"]), 20);
    const [x, y] = [failing(), failing()];
    // Both are read at once, as the hosts' transports read them.
    const [rx, ry] = await Promise.allSettled([drain(x), drain(y)]);
    for (const r of [rx, ry]) assert.match(r.status === "rejected" ? String(r.reason) : "read", /exited 5/);
  });
});
