/**
 * Check ids as policies and waivers name them: an exact id (`cis.daemon.icc`) or a pattern with
 * `*` (`cis.containers.*`, `drift.*`). A name that matches no check is a typo, and an error.
 *
 * TODO(replace): once the project's one glob matcher (src/text/glob.ts) is on main, `matches` uses it.
 */

/**
 * Whether `pattern` (`*` matches any run of characters, nothing else is special) matches `id`.
 *
 * @example matches("cis.containers.*", "cis.containers.privileged") === true
 */
export function matches(pattern: string, id: string): boolean {
  const parts = pattern.split("*");
  if (parts.length === 1) return pattern === id;
  const [first = "", ...rest] = parts;
  const last = rest.pop() ?? "";
  if (!id.startsWith(first) || !id.endsWith(last) || id.length < first.length + last.length) return false;
  let at = first.length;
  const end = id.length - last.length;
  for (const part of rest) {
    const found = id.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

/** Drift ids are `drift.<playbook>.<resource>`: known by their playbook, not listed in advance. */
export function isDriftId(id: string, playbooks: readonly string[]): boolean {
  return playbooks.some((p) => id === `drift.${p}` || id.startsWith(`drift.${p}.`));
}

/**
 * Whether a policy or waiver names something real: a pattern must match at least one known id, or
 * name a playbook's drift.
 *
 * @example namesKnownCheck("cis.daemon.icc", ids, ["install-engine"]) === true
 */
export function namesKnownCheck(
  pattern: string,
  ids: Iterable<string>,
  playbooks: readonly string[],
): boolean {
  if (pattern === "drift.*" || isDriftId(pattern.replace(/\*$/, "").replace(/\.$/, ""), playbooks))
    return true;
  for (const id of ids) if (matches(pattern, id)) return true;
  return false;
}
