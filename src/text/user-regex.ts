/**
 * Regular expressions a user writes (`--limit ~re`, waiver host patterns, anything else that takes
 * one) run on RE2's engine (re2js, pure JavaScript): matching is linear in the text whatever the
 * pattern, so `~(a+)+$` against `aaaa…b` cannot block the event loop (and Ctrl-C). RE2 has no
 * backreferences or lookaround; a pattern using them is refused with RE2's reason.
 */
import { RE2JS } from "re2js";

export interface UserRegex {
  /** True when the pattern matches anywhere in the text (as RegExp.test does). */
  test(text: string): boolean;
}

/**
 * @example userRegex("^el9-[0-9]+$").test("el9-12") === true
 * @throws Error with RE2's reason when the pattern is not one RE2 reads
 */
export function userRegex(pattern: string): UserRegex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    // RE2's message names the part it cannot read: "missing closing ): `(a`".
    throw new Error(err instanceof Error ? err.message.replace(/^error parsing regexp: /, "") : String(err));
  }
  return { test: (text) => re.test(text) };
}
