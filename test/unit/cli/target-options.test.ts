import assert from "node:assert/strict";
import { InvalidArgumentError } from "commander";
import { MAX_FORKS, parseIntOption } from "../../../src/cli/target-options.js";

describe("parseIntOption (--forks): plain decimal digits from 1 to MAX_FORKS", () => {
  for (const [text, n] of [
    ["1", 1],
    ["50", 50],
    ["007", 7],
    [String(MAX_FORKS), MAX_FORKS],
  ] as const) {
    it(`accepts ${JSON.stringify(text)} as ${n}`, () => assert.equal(parseIntOption(text), n));
  }

  // Each of these Number() would turn into a count.
  const REFUSED = [
    "1e3",
    "0x10",
    "0b11",
    "0o7",
    " 5",
    "5 ",
    "5.0",
    "+5",
    "-5",
    "",
    "0",
    "1001",
    "9".repeat(400),
    "Infinity",
    "5\n",
    "٣",
  ];
  for (const text of REFUSED) {
    it(`refuses ${JSON.stringify(text)} with the allowed range`, () => {
      assert.throws(
        () => parseIntOption(text),
        (e: unknown) =>
          e instanceof InvalidArgumentError &&
          e.message === `it must be a whole number from 1 to ${MAX_FORKS} (digits only).`,
      );
    });
  }
});
