import { strict as assert } from "node:assert";
import { existsSync } from "node:fs";
import { GNU_TIME, tail, timed } from "../../bench/proc.js";

describe("bench process runner", () => {
  it("returns a non-zero exit instead of hiding it, with output and a wall time", async () => {
    const r = await timed("sh", ["-c", "echo out; echo err >&2; exit 3"]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, "out\n");
    assert.equal(r.stderr, "err\n");
    assert.ok(r.ms > 0);
  });

  it("reads peak memory through GNU time without mixing its report into stderr", async function () {
    if (!existsSync(GNU_TIME)) this.skip();
    const r = await timed("sh", ["-c", "echo hi >&2"], { measureMemory: true });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "hi\n");
    assert.ok((r.maxRss ?? 0) > 0);
  });

  it("kills a command that outlives its timeout", async () => {
    const r = await timed("sleep", ["5"], { timeoutMs: 100 });
    assert.notEqual(r.code, 0);
    assert.ok(r.ms < 4000);
  });

  it("tail keeps the last lines", () => {
    assert.equal(tail("a\nb\nc\n", 2), "b\nc");
  });
});
