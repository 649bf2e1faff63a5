import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { LocalTransport } from "../../../src/transport/local.js";
import { commandStream, countBytes } from "../../../src/transport/stream.js";

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
});
