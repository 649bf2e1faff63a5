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

/**
 * Whether a policy or waiver names something real: a pattern must match a compliance check's id or
 * a drift check's. Drift ids (`drift.<resource id>`) depend on each host's variables, so a drift
 * name is known when it matches the drift playbooks' resources with default variables, or names
 * one of their kinds of resource (`drift.daemon-json:*`, `drift.packages:*`).
 *
 * @example namesKnownCheck("drift.daemon-json:*", ids, ["drift.daemon-json:/etc/docker/daemon.json"]) === true
 */
export function namesKnownCheck(
  pattern: string,
  ids: Iterable<string>,
  driftIds: readonly string[],
): boolean {
  for (const id of [...ids, ...driftIds]) if (matches(pattern, id)) return true;
  if (pattern === "drift.*") return true;
  const kind = /^drift\.([a-z-]+)(:|$)/.exec(pattern)?.[1];
  return (
    kind !== undefined && driftIds.some((id) => id.startsWith(`drift.${kind}:`) || id === `drift.${kind}`)
  );
}
