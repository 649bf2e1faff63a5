import assert from "node:assert/strict";
import { Redactor } from "../../../src/run/redact.js";

describe("Redactor", () => {
  it("masks every occurrence of every secret, longest first", () => {
    const r = new Redactor(["hunter2", "hunter2-long", undefined]);
    assert.equal(r.mask("a hunter2-long b hunter2 c"), "a ******** b ******** c");
  });
  it("masks strings deep inside objects and arrays", () => {
    const r = new Redactor(["s3cret"]);
    assert.deepEqual(r.maskDeep({ a: ["x s3cret"], b: { c: "s3cret" }, n: 1 }), {
      a: ["x ********"],
      b: { c: "********" },
      n: 1,
    });
  });
  it("ignores empty and very short values that would mask ordinary text", () => {
    const r = new Redactor(["", "a"]);
    assert.equal(r.mask("a banana"), "a banana");
  });
});
