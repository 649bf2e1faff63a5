/**
 * Harbor's tag patterns (doublestar syntax, as its immutability and retention rules take them):
 * `*` any run of characters but `/`, `**` any run, `?` one character, `{a,b,c}` one of the
 * alternatives; anything else is itself. Compiled to an anchored regular expression with no nested
 * quantifier, so matching is linear in the tag's length whatever the pattern.
 */

export class PatternError extends Error {}

function escape(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function body(pattern: string, inBraces: boolean): [string, number] {
  let out = "";
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] ?? "";
    if (ch === "*") {
      const double = pattern[i + 1] === "*";
      out += double ? ".*" : "[^/]*";
      i += double ? 2 : 1;
      // Consecutive stars add nothing but backtracking.
      while (pattern[i] === "*") i += 1;
    } else if (ch === "?") {
      out += "[^/]";
      i += 1;
    } else if (ch === "{") {
      if (inBraces) throw new PatternError(`"${pattern}": braces cannot nest`);
      const end = pattern.indexOf("}", i);
      if (end < 0) throw new PatternError(`"${pattern}": "{" without "}"`);
      const alternatives = pattern.slice(i + 1, end).split(",");
      out += `(?:${alternatives.map((a) => body(a, true)[0]).join("|")})`;
      i = end + 1;
    } else if (ch === "}" && !inBraces) {
      throw new PatternError(`"${pattern}": "}" without "{"`);
    } else {
      out += escape(ch);
      i += 1;
    }
  }
  return [out, i];
}

/**
 * @example compilePattern("v*").test("v1.2") === true
 * @example compilePattern("{latest,stable}").test("stable") === true
 */
export function compilePattern(pattern: string): RegExp {
  if (pattern === "") throw new PatternError("an empty pattern matches nothing");
  return new RegExp(`^${body(pattern, false)[0]}$`, "u");
}

/** The first of `patterns` that `tag` matches, or undefined. */
export function matchingPattern(patterns: readonly string[], tag: string): string | undefined {
  return patterns.find((p) => compilePattern(p).test(tag));
}
