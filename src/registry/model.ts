/**
 * The registry's accounts and projects as the generators read them: robot names prefixed the way
 * Harbor names them (`robot$ci`), defaults filled in, and the rights each role gives. Pure.
 */
import type { DeployRegistryVars, Role } from "../../playbooks/deploy-registry.vars.js";

/** What nginx tells apart in a request (see rights.ts). */
export type Action = "pull" | "push" | "delete";

/** Harbor's project roles: guest pulls, developer pushes, maintainer and admin also delete. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  guest: ["pull"],
  developer: ["pull", "push"],
  maintainer: ["pull", "push", "delete"],
  admin: ["pull", "push", "delete"],
};

/**
 * The project `ops verify -p deploy-registry` proves the round trip in: its verify robot pushes into
 * it (from the control machine) and anyone pulls from it anonymously, so the engine hosts pull the
 * test image holding no credential at all. No team project (its quota, webhooks, immutability) is
 * touched. It is empty except during a verify. Reserved: registry_projects may not declare it (rules.ts).
 */
export const VERIFY_PROJECT = "ops-verify";

/**
 * The login names of verify robots (verify-robot.ts): `robot$ops-verify-<run id>-<expiry in unix
 * seconds>`. No inventory declares them: `ops verify` writes one for its run and removes it. They
 * may push into VERIFY_PROJECT and do nothing else. Reserved: registry_users may not hold a robot
 * named like them (rules.ts).
 */
export const VERIFY_ROBOT = /^robot\$ops-verify-([0-9a-f]+)-([0-9]{10})$/;

/** Harbor prefixes robot accounts so they can never be mistaken for a person's account. */
export const ROBOT_PREFIX = "robot$";

export interface Account {
  /** As logged in with: `alice`, `robot$ci`. */
  readonly name: string;
  readonly password: string;
  /** System admin: every project, the catalog and the audit log. */
  readonly admin: boolean;
  readonly robot: boolean;
}

export interface Project {
  readonly name: string;
  readonly public: boolean;
  /** Account name -> role. */
  readonly members: ReadonlyMap<string, Role>;
  /** Keep the newest N tags per repository at GC time; 0 keeps all. */
  readonly retention: number;
}

export interface RegistryModel {
  readonly accounts: readonly Account[];
  readonly projects: readonly Project[];
}

/**
 * The login name of a `registry_users` entry.
 *
 * @example accountName({ name: "ci", robot: true }) === "robot$ci"
 */
export function accountName(u: { name: string; robot?: boolean | undefined }): string {
  return u.robot === true ? `${ROBOT_PREFIX}${u.name}` : u.name;
}

/**
 * The instant an `expires` value means, in ms since the epoch: a date alone is its first second, UTC.
 * NaN for a day that does not exist: Date.parse would roll `2027-02-30` over to March 2nd.
 *
 * @example expiresAt("2027-01-31") === Date.UTC(2027, 0, 31)
 */
export function expiresAt(expires: string): number {
  const at = Date.parse(expires.includes("T") ? expires : `${expires}T00:00:00Z`);
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== expires.slice(0, 10)) return NaN;
  return at;
}

/**
 * Builds the model from validated variables (rules have run: names are unique, members exist).
 *
 * @example registryModel(vars).projects[0].members.get("bob") // "developer"
 */
export function registryModel(
  vars: Pick<DeployRegistryVars, "registry_users" | "registry_projects" | "registry_retention">,
  now: number = Date.now(),
): RegistryModel {
  // An expired robot is no account: a run removes it from the htpasswd file and from every role.
  // (Between its expiry and that run, the policy service refuses it.)
  const expired = new Set(
    vars.registry_users
      .filter((u) => u.expires !== undefined && expiresAt(u.expires) <= now)
      .map(accountName),
  );
  return {
    accounts: vars.registry_users
      .filter((u) => !expired.has(accountName(u)))
      .map((u) => ({
        name: accountName(u),
        password: u.password,
        admin: u.admin === true && u.robot !== true,
        robot: u.robot === true,
      })),
    projects: [
      ...vars.registry_projects.map((p) => ({
        name: p.name,
        public: p.public === true,
        members: new Map(
          (p.members ?? []).filter((m) => !expired.has(m.user)).map((m) => [m.user, m.role] as const),
        ),
        retention: p.retention ?? vars.registry_retention,
      })),
      { name: VERIFY_PROJECT, public: true, members: new Map(), retention: 0 },
    ],
  };
}

/**
 * May `account` (undefined: anonymous) do `action` in `project`? The one definition of the rights;
 * rights.ts turns it into nginx maps and its property test compares the two.
 *
 * @example allowed(model, "bob", "push", "team-a") // true when bob is a developer of team-a
 */
export function allowed(
  model: RegistryModel,
  account: string | undefined,
  action: Action,
  project: string,
): boolean {
  const p = model.projects.find((x) => x.name === project);
  // ops verify's robot pushes into the verify project; beyond that it is as anonymous.
  if (account !== undefined && VERIFY_ROBOT.test(account))
    return action === "push" ? project === VERIFY_PROJECT : action === "pull" && p?.public === true;
  const admin = account !== undefined && model.accounts.some((a) => a.name === account && a.admin);
  // Pushes go only into declared projects; an admin may still read and clean up anything else.
  if (p === undefined) return admin && action !== "push";
  if (action === "pull" && p.public) return true;
  if (admin) return true;
  if (account === undefined) return false;
  const role = p.members.get(account);
  return role !== undefined && ROLE_ACTIONS[role].includes(action);
}
