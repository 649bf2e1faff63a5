/** A group and its members (`getent group`), and which users exist (`getent passwd`). */
import { FactError } from "../errors.js";
import { quote, sh } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { lines, sortedUnique } from "./text.js";

export interface GroupInfo {
  readonly exists: boolean;
  readonly gid: number | null;
  readonly members: readonly string[];
}

/**
 * `absent` (getent's exit 2: no such group) or exactly one `name:x:gid:members` line; anything else
 * is output ops does not understand, an error, never "no such group".
 */
export function parseGroup(name: string, stdout: string): GroupInfo {
  const rows = lines(stdout);
  if (rows.length === 1 && rows[0] === "absent") return { exists: false, gid: null, members: [] };
  const line = rows[0] ?? "";
  const [group, , gid = "", members = "", ...extra] = line.split(":");
  if (rows.length !== 1 || group !== name || !/^\d+$/.test(gid) || extra.length > 0)
    throw new FactError(`group:${name}`, `unexpected getent output "${line.slice(0, 120)}"`);
  return { exists: true, gid: Number(gid), members: members.split(",").filter((m) => m !== "") };
}

/**
 * getent exits 2 when the group does not exist; any other failure (NSS unreachable, getent missing)
 * makes the probe fail with getent's status.
 *
 * @example facts.get(group("docker")) // { exists: true, gid: 990, members: ["alice"] }
 */
export function group(name: string): Fact<GroupInfo> {
  return {
    name: `group:${name}`,
    command: `getent group ${quote(name)}`,
    stderr: "fold",
    probe: `getent group ${quote(name)}; s=$?; if [ "$s" = 2 ]; then echo absent; exit 0; fi; exit "$s"`,
    parse: (stdout) => parseGroup(name, stdout),
  };
}

/** Every asked name is a key: true when the user exists. */
export type UsersExist = Readonly<Record<string, boolean>>;

export function parseUsers(names: readonly string[], stdout: string): UsersExist {
  const present = new Set(
    lines(stdout)
      .filter((l) => l.startsWith("present "))
      .map((l) => l.slice("present ".length)),
  );
  return Object.fromEntries(names.map((n) => [n, present.has(n)]));
}

/** @example facts.get(users(["alice", "bob"])) // { alice: true, bob: false } */
export function users(names: readonly string[]): Fact<UsersExist> {
  const sorted = sortedUnique(names);
  return {
    name: `users:${sorted.join(",")}`,
    probe: [
      `for u in ${sh(sorted)}; do`,
      '  if getent passwd "$u" >/dev/null 2>&1; then printf \'present %s\\n\' "$u"; fi',
      "done",
    ].join("\n"),
    parse: (stdout) => parseUsers(sorted, stdout),
  };
}
