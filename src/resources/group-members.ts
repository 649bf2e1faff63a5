/** Users in a supplementary group (`usermod -aG`), e.g. the `docker` group for docker without sudo. */
import { group as groupFact, users as usersFact } from "../facts/group.js";
import { sh } from "../transport/quote.js";
import { change, fail, noop, type Resource } from "./resource.js";

export interface GroupMembersOptions {
  /** The group's name: no default, as the resource serves any group. */
  readonly group: string;
  readonly users: readonly string[];
  /** Where the users were listed (e.g. the variable `docker_users`), named in the hint of an unknown user. */
  readonly listedIn?: string;
}

/**
 * The group itself may not exist yet when facts are gathered: a package installed earlier in the
 * same run may create it (docker-ce creates `docker`), so a missing group still plans `usermod`.
 *
 * @example groupMembers({ group: "docker", users: ["alice", "bob"], listedIn: "docker_users" })
 */
export function groupMembers(o: GroupMembersOptions): Resource {
  const name = o.group;
  const gFact = groupFact(name);
  const uFact = usersFact(o.users);
  return {
    id: `group-members:${name}`,
    facts: o.users.length > 0 ? [gFact, uFact] : [],
    plan(facts) {
      if (o.users.length === 0) return noop(`no users to add to ${name}`);
      const exist = facts.get(uFact);
      const unknown = o.users.filter((u) => !exist[u]);
      if (unknown.length > 0) {
        return fail(
          `${unknown.length === 1 ? "user" : "users"} ${unknown.join(", ")} ${unknown.length === 1 ? "does" : "do"} not exist on this host`,
          `create them first, or remove them from ${o.listedIn ?? "the list"}`,
        );
      }
      const members = new Set(facts.get(gFact).members);
      const missing = [...new Set(o.users)].filter((u) => !members.has(u));
      if (missing.length === 0)
        return noop(`${o.users.join(", ")} ${o.users.length === 1 ? "is" : "are"} in ${name}`);
      return change({
        description: `add ${missing.join(", ")} to ${name}`,
        script: ["set -e", ...missing.map((u) => sh(["usermod", "-aG", name, u]))].join("\n"),
      });
    },
  };
}
