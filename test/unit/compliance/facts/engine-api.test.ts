// The engine's answers as the probes' `api` prints them (each body, then `@@status CODE`): every
// status is read, so an object the engine no longer has, a server error or a cut-off answer is an
// error of the fact, never an object left out.
import assert from "node:assert/strict";
import fc from "fast-check";
import { FactError } from "../../../../src/errors.js";
import { readResponses } from "../../../../src/compliance/facts/engine-api.js";
import { fuzzParams } from "../../../helpers/fuzz.js";

const rows = (text: string) => text.split("\n");

describe("readResponses: the engine's answers over its socket", () => {
  it("reads each body with its status, and stops at the first row that is neither", () => {
    const out = rows('{"Id":"a"}\n\n@@status 200\n{"Id":"b"}\n\n@@status 200\nsrc /etc');
    const { responses, next } = readResponses(out, 0, "containers");
    assert.deepEqual(responses, [
      { status: 200, body: { Id: "a" } },
      { status: 200, body: { Id: "b" } },
    ]);
    assert.equal(out[next], "src /etc");
  });

  it("a 404 (an object removed meanwhile) is an error with the engine's message", () => {
    const out = rows('{"Id":"a"}\n\n@@status 200\n{"message":"No such container: b"}\n\n@@status 404');
    assert.throws(
      () => readResponses(out, 0, "containers"),
      (e: unknown) => e instanceof FactError && /404: No such container: b/.test(e.message),
    );
  });

  it("a 500 whose body is not JSON is an error showing the body", () => {
    assert.throws(
      () => readResponses(rows("{oops\n@@status 500"), 0, "images"),
      (e: unknown) => e instanceof FactError && /500 with a body that is not JSON: "\{oops"/.test(e.message),
    );
  });

  it("an answer cut off before its status is an error, never fewer objects", () => {
    assert.throws(
      () => readResponses(rows('{"Id":"a"}\n\n@@status 200\n{"Id":"b"}'), 0, "containers"),
      /cut off/,
    );
  });

  it("any list of objects the engine answers is read back whole, in order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { maxLength: 8 }),
        (bodies) => {
          const text = bodies.map((b) => `${JSON.stringify(b)}\n\n@@status 200`).join("\n");
          const { responses, next } = readResponses(rows(text), 0, "containers");
          assert.deepEqual(
            responses.map((r) => r.body),
            bodies.map((b) => JSON.parse(JSON.stringify(b)) as unknown),
          );
          assert.equal(next, bodies.length === 0 ? 1 : rows(text).length);
        },
      ),
      fuzzParams("engine-api readResponses", 200),
    );
  });
});
