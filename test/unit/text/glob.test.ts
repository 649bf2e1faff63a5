import assert from "node:assert/strict";
import fc from "fast-check";
import { compileGlob, isGlob } from "../../../src/text/glob.js";

const CLASSES = { classes: true };

describe("compileGlob", () => {
  const CASES: [pattern: string, text: string, options: object, match: boolean][] = [
    ["el9-*", "el9-1", {}, true],
    ["el9-*", "el8-1", {}, false],
    ["*", "", {}, true],
    ["?", "", {}, false],
    ["el?-1", "el9-1", {}, true],
    ["*.example.com", "db.example.com", {}, true],
    ["*.example.com", "example.com", {}, false],
    ["a*b*c", "aXbYc", {}, true],
    ["a*b*c", "aXbY", {}, false],
    ["el9-[12]", "el9-2", CLASSES, true],
    ["el9-[12]", "el9-3", CLASSES, false],
    ["el9-[!12]", "el9-3", CLASSES, true],
    ["el9-[^12]", "el9-1", CLASSES, false],
    ["node-[0-9][0-9]", "node-42", CLASSES, true],
    ["node-[0-9]", "node-a", CLASSES, false],
    ["[]]", "]", CLASSES, true],
    ["a[", "a[", CLASSES, true], // no closing bracket: a literal
    ["el9-[12]", "el9-[12]", {}, true], // known_hosts: [ is an ordinary character
    ["[db]:2222", "[db]:2222", {}, true],
    ["*.EXAMPLE.com", "db.example.COM", { ignoreCase: true }, true],
    ["*.EXAMPLE.com", "db.example.com", {}, false],
    [".*", "ab", {}, false], // regular-expression characters are literal
    ["a+b", "a+b", {}, true],
    ["h*", "h\nx", {}, true], // * spans any character, a newline too
    ["é*", "éa", {}, true],
    ["?", "😀", {}, true], // one character, not one UTF-16 unit
  ];
  for (const [pattern, text, options, match] of CASES) {
    it(`${JSON.stringify(pattern)} ${match ? "matches" : "does not match"} ${JSON.stringify(text)}`, () => {
      assert.equal(compileGlob(pattern, options).test(text), match);
    });
  }

  it("takes linear steps on patterns that make a backtracking RegExp explode", () => {
    // As a RegExp, ^.*a.*a.*...b$ against 'aaa...' backtracks for minutes; the two-pointer walk does not.
    const pattern = "*a".repeat(30) + "*b";
    assert.equal(compileGlob(pattern).test("a".repeat(5_000)), false);
  });

  it("property: a pattern without wildcards matches exactly itself", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !isGlob(s, CLASSES)),
        fc.string(),
        (pattern, other) => {
          const glob = compileGlob(pattern, CLASSES);
          assert.ok(glob.test(pattern));
          assert.equal(glob.test(other), other === pattern);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("property: '*' + infix + '*' matches iff the text contains the infix", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme-ascii" }).filter((s) => !/[*?[]/.test(s)),
        fc.string({ unit: "grapheme-ascii" }),
        (infix, text) => {
          assert.equal(compileGlob(`*${infix}*`, CLASSES).test(text), text.includes(infix));
        },
      ),
      { numRuns: 300 },
    );
  });
});
