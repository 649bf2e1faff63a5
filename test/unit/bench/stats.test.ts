import { strict as assert } from "node:assert";
import { ratio, relativeSpread, summarize } from "../../bench/stats.js";

describe("bench stats", () => {
  it("takes the middle sample of an odd count, unsorted input", () => {
    assert.deepEqual(summarize([30, 10, 20]), { n: 3, median: 20, min: 10, max: 30 });
  });

  it("averages the two middle samples of an even count", () => {
    assert.deepEqual(summarize([4, 1, 3, 2]), { n: 4, median: 2.5, min: 1, max: 4 });
  });

  it("is robust to one slow outlier", () => {
    assert.equal(summarize([100, 101, 99, 5000, 102]).median, 101);
  });

  it("refuses an empty list instead of printing 0", () => {
    assert.throws(() => summarize([]), /no samples/);
  });

  it("does not reorder the caller's array", () => {
    const xs = [3, 1, 2];
    summarize(xs);
    assert.deepEqual(xs, [3, 1, 2]);
  });

  it("relative spread is (max - min) / median, 0 for one sample", () => {
    assert.equal(relativeSpread(summarize([90, 100, 110])), 0.2);
    assert.equal(relativeSpread(summarize([7])), 0);
  });

  it("ratio divides medians and is undefined when a side is missing", () => {
    assert.equal(ratio(summarize([200]), summarize([100, 100, 900])), 2);
    assert.equal(ratio(undefined, summarize([1])), undefined);
    assert.equal(ratio(summarize([1]), undefined), undefined);
  });
});
