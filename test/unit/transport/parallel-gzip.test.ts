/**
 * The parallel gzip stream: whatever the input and however it is cut into chunks, gunzip gives it
 * back byte for byte (members in order), and gzip -d (another reader than node's) agrees.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { parallelGzip } from "../../../src/transport/parallel-gzip.js";

async function zipped(chunks: readonly Uint8Array[], blockBytes: number, inFlight: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  const z = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(
    parallelGzip({ level: 1, blockBytes, inFlight }),
  );
  for await (const c of z) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe("transport/parallel-gzip", () => {
  it("gives back any input cut any way, members in order (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 257 }),
        fc.integer({ min: 1, max: 5 }),
        async (chunks, blockBytes, inFlight) => {
          const out = await zipped(chunks, blockBytes, inFlight);
          assert.deepEqual(gunzipSync(out), Buffer.concat(chunks.map((c) => Buffer.from(c))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a few MiB in 1 MiB members: gzip -d reads the series whole, and it compresses", async () => {
    const text = Buffer.from("layer.tar usr/lib/x86_64-linux-gnu/libc.so.6 0644 root root\n".repeat(70_000));
    const out = await zipped([text.subarray(0, 1_000_001), text.subarray(1_000_001)], 1 << 20, 4);
    assert.ok(out.length < text.length / 10, `${out.length} bytes for ${text.length}`);
    assert.deepEqual(execFileSync("gzip", ["-dc"], { input: out, maxBuffer: 1 << 26 }), text);
    // Empty input: one empty member, as gzip writes it.
    assert.equal(execFileSync("gzip", ["-dc"], { input: await zipped([], 1 << 20, 4) }).length, 0);
  });
});
