/**
 * The one glob matcher: `*` (any run of characters), `?` (one character) and, where the caller
 * allows them, fnmatch classes `[abc]`, `[a-z]`, `[!abc]`. Used by `--limit` (inventory names) and
 * by known_hosts host patterns (which OpenSSH matches with `*` and `?` only, ignoring case).
 *
 * No RegExp is built from the pattern: the match is the classic two-pointer walk that remembers
 * the last `*`, so it takes at most (pattern length x text length) steps whatever the input
 * (`*a*a*a*a*b` cannot backtrack exponentially).
 */

export interface GlobOptions {
  /** Treat `[...]` as a character class (fnmatch); otherwise `[` is an ordinary character. */
  classes?: boolean;
  /** Compare without regard to case (OpenSSH host patterns). */
  ignoreCase?: boolean;
}

type Token =
  | { kind: "star" }
  | { kind: "any" }
  | { kind: "char"; char: string }
  | { kind: "class"; negate: boolean; ranges: [string, string][] };

/** `[` starts a class only when a `]` closes it after at least one character. */
function readClass(chars: readonly string[], at: number): { token: Token; end: number } | undefined {
  let i = at + 1;
  let negate = false;
  if (chars[i] === "!" || chars[i] === "^") {
    negate = true;
    i++;
  }
  const close = chars.indexOf("]", i + 1);
  if (close < 0 || i >= chars.length) return undefined;
  const body = chars.slice(i, close);
  const ranges: [string, string][] = [];
  for (let j = 0; j < body.length; j++) {
    const from = body[j] ?? "";
    const to = body[j + 2];
    if (body[j + 1] === "-" && to !== undefined) {
      ranges.push([from, to]);
      j += 2;
    } else ranges.push([from, from]);
  }
  return { token: { kind: "class", negate, ranges }, end: close };
}

function tokenize(pattern: string, options: GlobOptions): Token[] {
  const chars = Array.from(pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? "";
    if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "?") tokens.push({ kind: "any" });
    else if (c === "[" && options.classes) {
      const cls = readClass(chars, i);
      if (cls) {
        tokens.push(cls.token);
        i = cls.end;
      } else tokens.push({ kind: "char", char: c });
    } else tokens.push({ kind: "char", char: c });
  }
  return tokens;
}

function matchesOne(token: Token, c: string): boolean {
  if (token.kind === "any") return true;
  if (token.kind === "char") return token.char === c;
  if (token.kind === "class") {
    const inside = token.ranges.some(([from, to]) => c >= from && c <= to);
    return inside !== token.negate;
  }
  return false;
}

/**
 * A compiled glob: `test(text)` is true when the whole text matches.
 *
 * @example compileGlob("el9-[12]", { classes: true }).test("el9-2") === true
 * @example compileGlob("*.EXAMPLE.com", { ignoreCase: true }).test("db.example.com") === true
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): { test(text: string): boolean } {
  const fold = (s: string) => (options.ignoreCase ? s.toLowerCase() : s);
  const tokens = tokenize(fold(pattern), options);
  return {
    test(input: string): boolean {
      const text = Array.from(fold(input));
      let p = 0;
      let t = 0;
      let star = -1;
      let resume = 0;
      while (t < text.length) {
        const token = tokens[p];
        if (token?.kind === "star") {
          star = p++;
          resume = t;
        } else if (token && matchesOne(token, text[t] ?? "")) {
          p++;
          t++;
        } else if (star >= 0) {
          p = star + 1;
          t = ++resume;
        } else return false;
      }
      while (tokens[p]?.kind === "star") p++;
      return p === tokens.length;
    },
  };
}

/** True when a pattern has anything a glob gives meaning to (`*`, `?`, and `[` with classes). */
export function isGlob(pattern: string, options: GlobOptions = {}): boolean {
  return /[*?]/.test(pattern) || (options.classes === true && pattern.includes("["));
}
