// Property test: quote() and sh() round-trip through a real /bin/sh for any string without NUL
// (newlines, quotes, $(), backticks, globs, unicode): the shell hands back exactly the input.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { quote, sh } from "../../../src/transport/quote.js";

const SPECIAL = [
  "'",
  '"',
  "\\",
  "$",
  "$(id)",
  "`id`",
  "${HOME}",
  "\n",
  "\t",
  " ",
  "*",
  "?",
  "[a]",
  "~",
  "#",
  ";",
  "&",
  "|",
  "<",
  ">",
  "(",
  ")",
  "!",
  "-n",
  "--",
  "é",
  "😀",
  "\r",
  "%s",
  "\\n",
];
// A lone surrogate has no UTF-8 form, so no process argument can carry it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const arg = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.array(fc.constantFrom(...SPECIAL), { maxLength: 12 }).map((p) => p.join("")),
  )
  .filter((s) => !s.includes("\0") && !LONE_SURROGATE.test(s));

/** Runs `script` with /bin/sh and returns its stdout as UTF-8. */
function run(script: string): string {
  const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe("quote / sh: property tests through /bin/sh", function () {
  this.timeout(120_000);

  it("printf %s <quote(s)> prints s", () => {
    fc.assert(
      fc.property(arg, (s) => {
        assert.equal(run(`printf '%s' ${quote(s)}`), s);
      }),
      { numRuns: 150 },
    );
  });

  it("sh(words) keeps word boundaries: each word comes back as one argument", () => {
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 5 }), (words) => {
        const out = run(`printf '%s\\0' ${sh(words)}`);
        assert.deepEqual(out.split("\0").slice(0, -1), words);
      }),
      { numRuns: 100 },
    );
  });
});
