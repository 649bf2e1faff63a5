// Property tests for --limit: any pattern selects a subset of the inventory in inventory order or
// fails with a ConfigError; it never throws anything else (prototype names, bad globs, regexes).
import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError } from "../../../src/errors.js";
import { applyLimit } from "../../../src/inventory/limit.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory } from "../../../src/inventory/types.js";

const PARTS = [
  "all",
  "*",
  "el9",
  "el9-1",
  "el9-?",
  "el[89]*",
  "[!e]*",
  "~^el",
  "~(",
  "~[",
  "centos",
  "registry",
  "bastion",
  "__proto__",
  "constructor",
  "toString",
  "",
  " ",
  "[",
  "]",
  "?",
  "!",
  "&",
  ":",
  ",",
  "~",
];

const pattern = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc
    .array(fc.tuple(fc.constantFrom("", "!", "&"), fc.constantFrom(...PARTS)), { maxLength: 5 })
    .chain((parts) => fc.constantFrom(":", ",").map((sep) => parts.map(([op, p]) => op + p).join(sep))),
);

describe("applyLimit: property tests", function () {
  this.timeout(60_000);
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory("test/fixtures/inventory/lab/hosts.yaml");
  });

  it("any pattern: a non-empty subset in inventory order, or a ConfigError", () => {
    const order = (names: string[]) => names.map((n) => inv.hosts.findIndex((h) => h.name === n));
    fc.assert(
      fc.property(pattern, (p) => {
        let names: string[];
        try {
          names = applyLimit(inv, p).hosts.map((h) => h.name);
        } catch (e) {
          assert.ok(e instanceof ConfigError, `'${p}' threw ${String(e)}`);
          return;
        }
        assert.ok(names.length > 0);
        const idx = order(names);
        assert.ok(
          idx.every((i, k) => i >= 0 && (k === 0 || i > (idx[k - 1] ?? -1))),
          `'${p}': ${names.join(",")}`,
        );
      }),
      { numRuns: 3000 },
    );
  });
});
