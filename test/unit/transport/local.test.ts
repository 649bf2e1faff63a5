import assert from "node:assert/strict";
import { PassThrough, Readable } from "node:stream";
import { LocalTransport } from "../../../src/transport/local.js";

describe("transport/local", () => {
  // A command that exits before reading its input (sudo refusing with requiretty, a failed
  // `test`) closes the pipe while the input is still being written: the write fails with EPIPE.
  // That must be the command's result, never an unhandled error that ends the whole process.
  it("a command that exits without reading its input gives its exit code; the EPIPE is not thrown", async () => {
    const t = new LocalTransport("local", { become: false, isRoot: true });
    const big = "x".repeat(4 << 20);
    for (let i = 0; i < 5; i++) {
      const text = await t.exec("exit 3", { stdin: big });
      assert.equal(text.code, 3);
      const stream = await t.exec("echo gone >&2; exit 4", { stdin: Readable.from([Buffer.from(big)]) });
      assert.equal(stream.code, 4);
      assert.equal(stream.stderr, "gone\n");
    }
    assert.equal((await t.exec("wc -c", { stdin: big })).stdout.trim(), String(4 << 20));
  });

  it("stdout given a sink goes there, not into the result", async () => {
    const t = new LocalTransport("local", { become: false, isRoot: true });
    const sink = new PassThrough();
    const got: Buffer[] = [];
    sink.on("data", (c: Buffer) => got.push(c));
    const r = await t.exec("head -c 100000 /dev/zero | tr '\\0' y", { stdout: sink });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.equal(Buffer.concat(got).toString(), "y".repeat(100000));
  });
});
