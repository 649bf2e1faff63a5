/** Small pure helpers the fact parsers share. */

import { FactError } from "../errors.js";

/** Lines of a probe's output without the trailing empty line. */
export function lines(stdout: string): string[] {
  const all = stdout.split("\n").map((l) => l.replace(/\r$/, ""));
  while (all.length > 0 && all[all.length - 1] === "") all.pop();
  return all;
}

/**
 * Decodes base64 that a probe printed (possibly wrapped over many lines). Throws a FactError naming
 * `fact` on stray characters, so truncated or mixed-in output is an error rather than silently wrong bytes.
 *
 * @example decodeBase64("aGk=\n", "file:/etc/hosts") // Buffer "hi"
 */
export function decodeBase64(text: string, fact: string): Buffer {
  const compact = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new FactError(fact, "the probe printed invalid base64");
  }
  return Buffer.from(compact, "base64");
}

/** `key value...` lines into a map of the first word to the rest of the line. */
export function wordMap(stdout: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of lines(stdout)) {
    const at = line.indexOf(" ");
    if (at < 0) map.set(line, "");
    else map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

/** Splits `names` into the sorted unique list a parameterized fact is named by. */
export function sortedUnique(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}
