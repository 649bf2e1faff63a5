/** Users in a supplementary group (`usermod -aG`), e.g. the `docker` group for docker without sudo. */
import { group as groupFact, users as usersFact } from "../facts/group.js";
import { sh } from "../transport/quote.js";
import { change, fail, noop, type Resource } from "./resource.js";

export interface GroupMembersOptions {
  /** Default "docker". */
  readonly group?: string;
  readonly users: readonly string[];
}

/**
 * The group itself may not exist yet when facts are gathered: the docker-ce package creates it
 * earlier in the same run, so a missing group still plans `usermod`.
 *
 * @example groupMembers({ group: "docker", users: ["alice", "bob"] })
 */
export function groupMembers(o: GroupMembersOptions): Resource {
  const name = o.group ?? "docker";
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
          "create them first, or remove them from docker_users",
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
