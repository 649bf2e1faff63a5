/**
 * "Did you mean" for misspelt names: variables, hosts, groups. Plain Levenshtein distance is enough
 * for the few dozen names involved, and it catches the common slips (a swapped, missing or extra letter).
 */

/** Edit distance between two strings. @example levenshtein("el9-7", "el9-1") === 1 */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The closest candidates (at most three of the nearest distance, by name) within a distance that grows with the
 * name's length, so short names do not match everything.
 *
 * @example closest("docker_mirrors", ["docker_mirror", "docker_users"]) // ["docker_mirror"]
 */
export function closest(name: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const lower = name.toLowerCase();
  const scored = [...new Set(candidates)]
    .map((c) => {
      const d = levenshtein(lower, c.toLowerCase());
      // A truncated name ("child" for "children") is a near miss whatever the distance.
      return { c, d: lower.length >= 3 && c.toLowerCase().startsWith(lower) ? Math.min(d, 1) : d };
    })
    .filter(({ d }) => d <= limit);
  // Only the nearest tier: "el9-7" suggests el9-1 and el9-2, not el8-1 as well.
  const best = Math.min(...scored.map(({ d }) => d));
  return scored
    .filter(({ d }) => d === best)
    .sort((x, y) => x.c.localeCompare(y.c))
    .slice(0, 3)
    .map(({ c }) => c);
}

/**
 * A hint for an error message, or undefined when nothing is close.
 *
 * @example didYouMean("el9-7", ["el9-1", "web1"]) === "did you mean 'el9-1'?"
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const near = closest(name, candidates);
  if (near.length === 0) return undefined;
  return `did you mean ${near.map((n) => `'${n}'`).join(" or ")}?`;
}
