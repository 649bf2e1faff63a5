/**
 * The authorization table nginx enforces, generated from the model. nginx decides with `map`s:
 * the key `"<user>:<action>:<project>"` (user = the account nginx verified) is looked up in the
 * grants, exact keys first, then the regular expressions in order; a miss is a refusal. An
 * anonymous request has an empty user and gets through authentication only for the `anonymous`
 * keys. templates/registry/access.conf.ejs writes these into the maps.
 *
 * Why keys are lowercase: nginx lowercases map keys when it loads them, so the names that reach
 * these maps (users, projects) are lowercase by their schema patterns.
 */
import { ROLE_ACTIONS, VERIFY_PROJECT, VERIFY_ROBOT, type Action, type RegistryModel } from "./model.js";

/** Every action nginx classifies a request as (see access.conf.ejs). */
export type RequestAction = Action | "base" | "catalog" | "audit";

export interface AccessTable {
  /** `pull:<project>` keys: requests nginx lets through without asking for credentials. */
  readonly anonymous: readonly string[];
  /** Keys of `"<user>:<action>:<project>"` that are allowed; a leading `~` marks a regex. */
  readonly grants: readonly string[];
}

/** A literal for an nginx regex: the only special character our names can hold is `.`. */
const literal = (name: string): string => name.replace(/\./g, "[.]");

/**
 * @example accessTable(model).grants // ["alice:base:", "bob:push:team-a", "~^[^:]*:pull:public-proj$", ...]
 */
export function accessTable(model: RegistryModel): AccessTable {
  const grants: string[] = [];
  const regexes: string[] = [];
  for (const account of model.accounts) {
    // Any account may ping /v2/: that is how `docker login` checks a password.
    grants.push(`${account.name}:base:`);
    if (account.admin) {
      grants.push(`${account.name}:catalog:`, `${account.name}:audit:`);
      // Declared projects: everything; anything else: read and clean up, never push (model.allowed).
      for (const p of model.projects) grants.push(`${account.name}:push:${p.name}`);
      regexes.push(`~^${literal(account.name)}:(pull|delete):`);
    }
  }
  for (const p of model.projects) {
    if (p.public) regexes.push(`~^[^:]*:pull:${literal(p.name)}$`);
    for (const [user, role] of p.members) {
      const admin = model.accounts.some((a) => a.name === user && a.admin);
      for (const action of ROLE_ACTIONS[role]) {
        if (admin || (action === "pull" && p.public)) continue; // already granted above
        grants.push(`${user}:${action}:${p.name}`);
      }
    }
  }
  // Verify robots (no account of the model: `ops verify` writes each for its run) ping /v2/ and push
  // into the verify project; pulling from it is anyone's.
  regexes.push(`~^${VERIFY_ROBOT.source.slice(1, -1)}:(base:|push:${literal(VERIFY_PROJECT)})$`);
  return {
    anonymous: model.projects.filter((p) => p.public).map((p) => `pull:${p.name}`),
    grants: [...new Set(grants), ...new Set(regexes)],
  };
}

/**
 * What nginx's `map` does with the grants: exact keys first, then regexes in order. Used by the
 * property test to prove the table equals `allowed()`, and by `ops registry users`.
 *
 * @example mapLookup(table.grants, "bob:push:team-a") // true
 */
export function mapLookup(grants: readonly string[], key: string): boolean {
  if (grants.includes(key)) return true;
  return grants.some((g) => g.startsWith("~") && new RegExp(g.slice(1)).test(key));
}

/** The key nginx builds for a request. @example requestKey(undefined, "pull", "pub") === ":pull:pub" */
export function requestKey(user: string | undefined, action: RequestAction, project: string): string {
  return `${user ?? ""}:${action}:${project}`;
}
