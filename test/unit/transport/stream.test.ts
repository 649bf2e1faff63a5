import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { buildBecome } from "../../../src/transport/become.js";
import { LocalTransport } from "../../../src/transport/local.js";
import { bufferSource, commandSource, readSource, streamedStdin } from "../../../src/transport/stream.js";
import { isByteSource } from "../../../src/transport/transport.js";

describe("transport/stream", () => {
  it("puts the become prefix first and counts only the source's bytes", async () => {
    const seen: number[] = [];
    const stdin = streamedStdin(Buffer.from("pw\nmark\n"), bufferSource("b", Buffer.from("payload")), (n) =>
      seen.push(n),
    );
    const parts: Buffer[] = [];
    for await (const c of stdin) parts.push(c as Buffer);
    assert.equal(Buffer.concat(parts).toString(), "pw\nmark\npayload");
    assert.deepEqual(seen, [7]);
  });

  it("streams a command's stdout, gzipped in process when asked", async () => {
    const plain = await readSource(commandSource(["printf", "%s", "hello images"]));
    assert.equal(plain.toString(), "hello images");
    const zipped = await readSource(commandSource(["printf", "%s", "hello images"], { gzipLevel: 1 }));
    assert.equal(gunzipSync(zipped).toString(), "hello images");
  });

  it("fails the stream when the command exits non-zero, naming it and its stderr", async () => {
    const source = commandSource(["sh", "-c", "printf partial; echo 'no such image' >&2; exit 3"]);
    await assert.rejects(readSource(source), /sh -c .* exited 3: no such image/);
  });

  it("buildBecome keeps a streamed stdin apart from sudo's password lines", () => {
    const source = bufferSource("img", Buffer.from("x"));
    const command = buildBecome({
      script: "docker load",
      stdin: source,
      become: true,
      isRoot: false,
      password: "pw",
      marker: "M",
    });
    assert.equal(command.stdin?.toString(), "pw\nM\n");
    assert.equal(command.stream, source);
    const root = buildBecome({ script: "docker load", stdin: source, become: false, isRoot: true });
    assert.equal(root.stdin, undefined);
    assert.equal(root.stream, source);
  });

  it("a local exec streams 3 MB byte-exact into the script's stdin with progress", async function () {
    this.timeout(20_000);
    const bytes = randomBytes(3 * 1024 * 1024);
    const progress: number[] = [];
    const t = new LocalTransport("local");
    const r = await t.exec("sha256sum | cut -d' ' -f1", {
      stdin: bufferSource("random", bytes),
      onProgress: (n) => progress.push(n),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), createHash("sha256").update(bytes).digest("hex"));
    assert.equal(progress.at(-1), bytes.length);
  });

  it("a source that fails ends the exec with code 255 and the cause, instead of hanging", async function () {
    this.timeout(20_000);
    const t = new LocalTransport("local");
    const r = await t.exec("cat > /dev/null; sleep 30", {
      stdin: commandSource(["sh", "-c", "exit 4"]),
    });
    assert.equal(r.code, 255);
    assert.match(r.stderr, /ops could not send sh -c exit 4: .*exited 4/);
  });

  it("tells a ByteSource from bytes", () => {
    assert.equal(isByteSource(bufferSource("a", Buffer.from("a"))), true);
    assert.equal(isByteSource(Buffer.from("a")), false);
    assert.equal(isByteSource("a"), false);
    assert.equal(isByteSource(undefined), false);
  });
});
