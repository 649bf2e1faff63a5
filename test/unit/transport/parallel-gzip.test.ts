/**
 * The parallel gzip stream: whatever the input and however it is cut into chunks, gunzip gives it
 * back byte for byte (members in order), and gzip -d (another reader than node's) agrees.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { parallelGzip } from "../../../src/transport/parallel-gzip.js";

async function zipped(
  chunks: readonly Uint8Array[],
  blockBytes: number,
  inFlight: number,
  adaptive = false,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  const z = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(
    parallelGzip({ level: 1, blockBytes, inFlight, adaptive }),
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
        fc.boolean(),
        async (chunks, blockBytes, inFlight, adaptive) => {
          const out = await zipped(chunks, blockBytes, inFlight, adaptive);
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

  describe("adaptive: compresses only while the reader is behind", () => {
    const MiB = 1 << 20;
    const block = Buffer.from("layer.tar usr/lib/x86_64-linux-gnu/libc.so.6 0644 root root\n".repeat(17_000));
    const input = Buffer.concat(Array.from({ length: 16 }, () => block)).subarray(0, 16 * MiB);
    /** The adaptive stream of `input` fed in 1 MiB chunks every `feedMs`, read by a sink taking `readMs` a chunk. */
    async function adaptiveOut(feedMs: number, readMs: number): Promise<Buffer> {
      const parts: Buffer[] = [];
      async function* feed() {
        for (let at = 0; at < input.length; at += MiB) {
          if (feedMs > 0) await sleep(feedMs);
          yield input.subarray(at, at + MiB);
        }
      }
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          parts.push(chunk);
          if (readMs > 0) setTimeout(done, readMs);
          else done();
        },
      });
      await pipeline(
        Readable.from(feed()),
        parallelGzip({ level: 1, blockBytes: MiB, adaptive: true }),
        sink,
      );
      const out = Buffer.concat(parts);
      assert.deepEqual(gunzipSync(out), input);
      return out;
    }

    it("a reader that waits for every block (a link faster than gzip) gets them stored: no deflate work", async () => {
      const out = await adaptiveOut(30, 0);
      assert.ok(
        out.length >= input.length,
        `${out.length} bytes for ${input.length}: blocks were compressed`,
      );
    });

    it("a reader slower than the input (a slow link) gets the blocks compressed once it falls behind", async () => {
      const out = await adaptiveOut(0, 40);
      assert.ok(out.length < input.length / 2, `${out.length} bytes for ${input.length}: blocks were stored`);
    });
  });
});
