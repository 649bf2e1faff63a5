/**
 * Check ids as policies and waivers name them: an exact id (`cis.2.2`) or a pattern with
 * `*` (`cis.5.*`, `drift.daemon-json:*`). A name that matches no check is a typo, and an error.
 */
import { compileGlob } from "../text/glob.js";

/**
 * Whether `pattern` (the project's one glob matcher: `*` any run, `?` one character) matches `id`.
 *
 * @example matches("cis.5.*", "cis.5.5") === true
 */
export function matches(pattern: string, id: string): boolean {
  return compileGlob(pattern).test(id);
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
  if (pattern === "drift.*" || (pattern.startsWith("drift.") && driftIds.includes("drift.*"))) return true;
  const kind = /^drift\.([a-z-]+)(:|$)/.exec(pattern)?.[1];
  return (
    kind !== undefined && driftIds.some((id) => id.startsWith(`drift.${kind}:`) || id === `drift.${kind}`)
  );
}
