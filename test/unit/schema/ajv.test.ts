import assert from "node:assert/strict";
import { createAjv, explainAjvErrors } from "../../../src/schema/ajv.js";

/** The problems ajv finds in `data` against `schema`, in words. */
function explain(schema: object, data: unknown): string[] {
  const validate = createAjv().compile(schema);
  validate(data);
  return explainAjvErrors(validate.errors).map((p) => `${p.segments.join(".")} ${p.problem}`);
}

describe("explainAjvErrors: a string of the wrong form says which form is wanted", () => {
  const url = { type: "string", pattern: "^https?://\\S+$" };

  it("uses the node's x-expected wording and shows the value", () => {
    const schema = { type: "array", items: { ...url, "x-expected": "an http(s) URL" } };
    assert.deepEqual(explain(schema, ["https://ok", "ftp://x"]), ['1 must be an http(s) URL, got "ftp://x"']);
  });

  it("without x-expected, names the pattern (never 'must be a string' for a string)", () => {
    assert.deepEqual(explain({ type: "object", properties: { m: url } }, { m: "ftp://x" }), [
      'm must match the pattern ^https?://\\S+$, got "ftp://x"',
    ]);
  });

  it("length rules in words", () => {
    const schema = {
      type: "object",
      properties: {
        a: { type: "string", minLength: 1 },
        b: { type: "string", minLength: 3 },
        c: { type: "string", maxLength: 2 },
      },
    };
    assert.deepEqual(explain(schema, { a: "", b: "xy", c: "xyz" }), [
      'a must not be empty, got ""',
      'b must be at least 3 characters, got "xy"',
      'c must be at most 2 characters, got "xyz"',
    ]);
  });

  it("a value of the wrong type still names the type it has", () => {
    const schema = { type: "object", properties: { m: { ...url, "x-expected": "an http(s) URL" } } };
    assert.deepEqual(explain(schema, { m: 5 }), ["m must be an http(s) URL, got integer"]);
  });

  it("a value shown in a message is cut and its control characters escaped", () => {
    const [problem] = explain(
      { type: "object", properties: { m: url } },
      { m: `ftp://\u001b[31m${"x".repeat(80)}` },
    );
    assert.ok(problem?.includes("\\u001b[31m"), problem);
    assert.ok(!problem?.includes("\u001b"), problem);
    assert.ok(problem?.endsWith('..."') || problem?.endsWith("..."), problem);
  });
});
