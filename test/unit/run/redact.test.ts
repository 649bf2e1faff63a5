import assert from "node:assert/strict";
import fc from "fast-check";
import { secretMasker } from "../../../src/compliance/mask.js";
import { Redactor } from "../../../src/run/redact.js";

describe("Redactor", () => {
  it("masks secrets by their shape everywhere an event holds text (compliance's secret options)", () => {
    const r = new Redactor(["hunter2"], secretMasker([]));
    const event = {
      kind: "check-result",
      check: {
        message: "dockerd --log-opt splunk-token=abc123 -p hunter2",
        evidence: { outputTail: '{"log-opts": {"splunk-token": "abc123"}}' },
      },
      diff: ["+ splunk-token=abc123"],
    };
    assert.doesNotMatch(JSON.stringify(r.maskDeep(event)), /abc123|hunter2/);
  });

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
  it("masks every secret whatever its length, and ignores empty values", () => {
    const r = new Redactor(["", "7"]);
    assert.equal(r.mask("pin 7, not 8"), "pin ********, not 8");
  });
  it("masks a secret added during the run from then on, keys included", () => {
    const r = new Redactor();
    assert.equal(r.mask("made-at-run-time"), "made-at-run-time");
    r.add("made-at-run-time");
    assert.deepEqual(r.maskDeep({ "made-at-run-time": "x made-at-run-time" }), { "********": "x ********" });
  });

  it("a text masked again gives what a fresh redactor gives, whatever was added in between", () => {
    const word = fc.stringMatching(/^[a-c=:]{0,6}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(word, fc.option(word)), { maxLength: 30 }), (steps) => {
        const r = new Redactor([], secretMasker([]));
        const added: string[] = [];
        for (const [text, secret] of steps) {
          if (secret !== null) {
            r.add(secret);
            added.push(secret);
          }
          assert.equal(r.mask(text), new Redactor(added, secretMasker([])).mask(text));
          assert.equal(r.mask(text), new Redactor(added, secretMasker([])).mask(text));
        }
      }),
    );
  });
});
