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

export function parseGroup(name: string, stdout: string): GroupInfo {
  const line = lines(stdout).find((l) => l.startsWith(`${name}:`));
  if (line === undefined) return { exists: false, gid: null, members: [] };
  const [, , gid = "", members = ""] = line.split(":");
  if (!/^\d+$/.test(gid)) throw new FactError(`group:${name}`, `unexpected getent line "${line}"`);
  return { exists: true, gid: Number(gid), members: members.split(",").filter((m) => m !== "") };
}

/** @example facts.get(group("docker")) // { exists: true, gid: 990, members: ["alice"] } */
export function group(name: string): Fact<GroupInfo> {
  return {
    name: `group:${name}`,
    probe: `getent group ${quote(name)} || true`,
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
