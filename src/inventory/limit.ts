/**
 * Ansible's `--limit` patterns over a loaded Inventory. Pure.
 */
import { ConfigError } from "../errors.js";
import { ownValue, setOwn } from "../text/own.js";
import { compileGlob, isGlob } from "../text/glob.js";
import { didYouMean } from "../schema/suggest.js";
import { userRegex } from "../text/user-regex.js";
import type { Inventory } from "./types.js";

/** Host names one pattern part selects: `all`/`*`, a host, a group, a glob or `~regex` over both. */
function select(inv: Inventory, part: string, hostNames: ReadonlySet<string>): Set<string> {
  if (part === "all" || part === "*") return new Set(hostNames);
  const byName = ownValue(inv.groups, part) ?? (hostNames.has(part) ? [part] : undefined);
  if (byName) return new Set(byName);
  let test: { test(text: string): boolean } | undefined;
  if (part.startsWith("~")) {
    try {
      test = userRegex(part.slice(1));
    } catch (err) {
      throw new ConfigError(
        `--limit: '${part}' is not a regular expression RE2 reads: ${(err as Error).message}`,
        { path: "--limit" },
        "RE2 syntax: no backreferences or lookaround (matching stays linear in time)",
      );
    }
  } else if (isGlob(part, { classes: true })) test = compileGlob(part, { classes: true });
  const out = new Set<string>();
  if (!test) return out;
  for (const [group, members] of Object.entries(inv.groups))
    if (test.test(group)) members.forEach((m) => out.add(m));
  for (const h of inv.hosts) if (test.test(h.name)) out.add(h.name);
  return out;
}

/**
 * Keeps the hosts a `--limit` pattern selects, in inventory order. Parts are separated by `:` or
 * `,`; as in Ansible, plain parts are united first, then `&part` intersects and `!part` excludes,
 * whatever their order; a pattern of only `&`/`!` parts starts from all hosts. `file` names where
 * the pattern came from in errors (default: the command line).
 *
 * @example applyLimit(inv, "el9:&registry:!el9-2").hosts.map((h) => h.name) // ["el9-1"]
 * @throws ConfigError "--limit: no host or group matches 'el9-7'" (hint: did you mean 'el9-1'?)
 */
export function applyLimit(inv: Inventory, pattern: string, file?: string): Inventory {
  const where = { ...(file ? { file } : {}), path: "--limit" };
  const parts = pattern
    .split(/[:,]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new ConfigError("--limit: the pattern is empty", where);

  const hostNames = new Set(inv.hosts.map((h) => h.name));
  const names = [...hostNames, ...Object.keys(inv.groups)];
  const resolve = (part: string): Set<string> => {
    if (part === "") throw new ConfigError("--limit: '&' and '!' must be followed by a host or group", where);
    const hosts = select(inv, part, hostNames);
    if (hosts.size === 0 && !Object.hasOwn(inv.groups, part)) {
      throw new ConfigError(`--limit: no host or group matches '${part}'`, where, didYouMean(part, names));
    }
    return hosts;
  };
  const plain = parts.filter((p) => !p.startsWith("&") && !p.startsWith("!"));
  const selected = new Set<string>();
  for (const p of plain.length > 0 ? plain : ["all"]) resolve(p).forEach((h) => selected.add(h));
  for (const p of parts.filter((q) => q.startsWith("&"))) {
    const keep = resolve(p.slice(1));
    for (const h of [...selected]) if (!keep.has(h)) selected.delete(h);
  }
  for (const p of parts.filter((q) => q.startsWith("!")))
    resolve(p.slice(1)).forEach((h) => selected.delete(h));

  if (selected.size === 0) throw new ConfigError(`--limit '${pattern}' selects no hosts`, where);
  const groups: Record<string, string[]> = {};
  for (const [g, members] of Object.entries(inv.groups)) {
    setOwn(
      groups,
      g,
      members.filter((m) => selected.has(m)),
    );
  }
  return { ...inv, hosts: inv.hosts.filter((h) => selected.has(h.name)), groups };
}
