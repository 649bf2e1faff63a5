// Property tests for -e: any value text and any @file text parse or fail with a ConfigError, and
// what parses is faithful (k=v values kept as written, names as own properties).
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { parseExtraFile, parseExtraValue } from "../../../src/vars/extra.js";

const isConfig = (e: unknown) => e instanceof ConfigError || e instanceof ConfigErrors;

const FRAGMENTS = [
  "=",
  " ",
  "'",
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "@",
  "__proto__",
  "constructor",
  "toString",
  "1e400",
  "&a ",
  "*a",
  "\n",
  "a",
  "x=1",
];
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((p) => p.join("")),
);

function onlyConfigErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isConfig(e)) throw new Error(`threw ${String(e)}`, { cause: e });
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const varName = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "valueOf", "docker_version"),
  fc.stringMatching(NAME).filter((s) => s.length < 20),
);

describe("-e parsing: property tests", function () {
  this.timeout(60_000);

  it("parseExtraValue: any text parses or is a ConfigError", () => {
    fc.assert(
      fc.property(text, (t) => onlyConfigErrors(() => parseExtraValue(t))),
      { numRuns: 2000 },
    );
  });

  it("parseExtraFile: any text parses or is a ConfigError", () => {
    fc.assert(
      fc.property(text, (t) => onlyConfigErrors(() => parseExtraFile(t, "vars.yml"))),
      { numRuns: 2000 },
    );
  });

  it("k=v round trip: any name, any value without quotes or backslashes, kept as an own string", () => {
    const plain = fc.string({ maxLength: 20 }).filter((v) => !/[\s'"\\]/.test(v));
    fc.assert(
      fc.property(varName, plain, (name, v) => {
        const { vars } = parseExtraValue(`${name}=${v}`);
        assert.deepEqual(Object.keys(vars), [name]);
        assert.equal(Object.getOwnPropertyDescriptor(vars, name)?.value, v);
        assert.equal(Object.getPrototypeOf(vars), Object.prototype);
      }),
      { numRuns: 500 },
    );
  });

  it("JSON round trip: any object of valid names and JSON values comes back equal", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.dictionary(varName, json, { maxKeys: 4 }), (obj) => {
        const { vars } = parseExtraValue(JSON.stringify(obj));
        assert.equal(JSON.stringify(vars), JSON.stringify(obj));
      }),
      { numRuns: 500 },
    );
  });
});
