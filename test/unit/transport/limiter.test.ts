import assert from "node:assert/strict";
import { createLimiter } from "../../../src/transport/limiter.js";

describe("handshake limiter", () => {
  it("never runs more than its size at once, and runs them all", async () => {
    const limiter = createLimiter(3);
    let active = 0;
    let peak = 0;
    const task = async (i: number): Promise<number> => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.run(() => task(i))));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(peak, 3);
  });

  it("frees the slot when a function fails", async () => {
    const limiter = createLimiter(1);
    await assert.rejects(
      limiter.run(() => Promise.reject(new Error("boom"))),
      /boom/,
    );
    assert.equal(await limiter.run(async () => "next"), "next");
    assert.throws(() => createLimiter(0), RangeError);
    assert.throws(() => createLimiter(1.5), RangeError);
  });

  it("starts waiting functions in the order they asked, and frees the slot on a synchronous throw", async () => {
    const limiter = createLimiter(1);
    const started: number[] = [];
    const throwsAtOnce = (): Promise<never> => {
      throw new Error("sync");
    };
    await assert.rejects(limiter.run(throwsAtOnce), /sync/);
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        limiter.run(async () => {
          started.push(i);
          await new Promise((resolve) => setTimeout(resolve, 4 - i));
        }),
      ),
    );
    assert.deepEqual(started, [0, 1, 2, 3]);
  });
});
