/**
 * The one harness for fact fixtures: test/fixtures/facts/<fact>/*.json, each
 * `{ "args"?: {...}, "stdout": "...", "expected": ... }` or `{ ..., "error": "substring" }`.
 */
import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FactError } from "../../../src/errors.js";
import { readCases, toPlain } from "./support/plain.js";
import { assertParses } from "./support/shell.js";
import { FACTS, type FactArgs } from "./registry.js";

interface FactCase {
  args?: FactArgs;
  stdout: string;
  expected?: unknown;
  error?: string;
}

const root = fileURLToPath(new URL("../../fixtures/facts/", import.meta.url));

describe("fact fixtures", () => {
  for (const folder of readdirSync(root).sort()) {
    const make = FACTS[folder];
    describe(folder, () => {
      it("is a known fact", () => assert.ok(make, `no fact registered for fixture folder ${folder}`));
      if (!make) return;
      const cases = readCases(`${root}${folder}`, readdirSync(`${root}${folder}`));
      it("probe parses in sh", () =>
        assertParses(make((cases[0]?.[1] as FactCase | undefined)?.args ?? {}).probe));
      for (const [name, raw] of cases) {
        const c = raw as FactCase;
        it(name, () => {
          const fact = make(c.args ?? {});
          if (c.error !== undefined) {
            assert.throws(
              () => fact.parse(c.stdout),
              (err: unknown) => err instanceof Error && err.message.includes(c.error ?? ""),
            );
            return;
          }
          assert.deepStrictEqual(toPlain(fact.parse(c.stdout)), c.expected);
        });
      }
    });
  }

  it("parse errors are FactErrors naming the fact", () => {
    const make = FACTS["kernel"];
    assert.ok(make);
    assert.throws(
      () => make({}).parse("garbage\n"),
      (e: unknown) => e instanceof FactError && e.fact === "kernel",
    );
  });
});
