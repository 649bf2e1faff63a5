/**
 * What the portal shows each account: the projects it may see, with its role and what it may do
 * there. Derived from `allowed()`, the one definition of the rights that nginx's maps also come
 * from, so a button on the page never offers what nginx would refuse (and nginx decides anyway).
 * Rendered by ops into one JSON file per account (and one for anonymous visitors); nginx serves
 * the file of the account it verified. Pure.
 */
import type { Role } from "../../../playbooks/deploy-registry.vars.js";
import { allowed, VERIFY_PROJECT, type RegistryModel } from "../model.js";

export interface PortalProject {
  readonly name: string;
  readonly public: boolean;
  /** The account's role there; null when it sees the project as public or as a system admin. */
  readonly role: Role | null;
  readonly pull: boolean;
  readonly push: boolean;
  readonly delete: boolean;
}

export interface PortalMe {
  /** "" for an anonymous visitor. */
  readonly user: string;
  /** System admin: sees the audit log and the accounts page. */
  readonly admin: boolean;
  readonly projects: readonly PortalProject[];
  /** System admins only: every account and its roles, read-only (the inventory is the truth). */
  readonly accounts?: readonly PortalAccount[];
}

export interface PortalAccount {
  readonly name: string;
  readonly admin: boolean;
  readonly robot: boolean;
  /** Project -> role. */
  readonly roles: Readonly<Record<string, Role>>;
}

/**
 * @example portalMe(model, "dev").projects.map((p) => p.name) // ["team", "tools"]
 * @example portalMe(model, undefined).projects.every((p) => p.public) // true
 */
export function portalMe(model: RegistryModel, account: string | undefined): PortalMe {
  const admin = account !== undefined && model.accounts.some((a) => a.name === account && a.admin);
  const projects = model.projects
    // ops's own, empty but during a verify: no team's project to browse (`ops registry ls` shows it).
    .filter((p) => p.name !== VERIFY_PROJECT && allowed(model, account, "pull", p.name))
    .map((p) => ({
      name: p.name,
      public: p.public,
      role: account === undefined ? null : (p.members.get(account) ?? null),
      pull: true,
      push: allowed(model, account, "push", p.name),
      delete: allowed(model, account, "delete", p.name),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (!admin) return { user: account ?? "", admin, projects };
  const accounts = model.accounts.map((a) => ({
    name: a.name,
    admin: a.admin,
    robot: a.robot,
    roles: Object.fromEntries(
      model.projects.flatMap((p) => {
        const role = p.members.get(a.name);
        return role === undefined ? [] : [[p.name, role] as const];
      }),
    ),
  }));
  return { user: account ?? "", admin, projects, accounts };
}

export interface MeFile {
  /** The file's name without `.json`: `anonymous`, or `u<N>` (names hold `$`, which nginx reads as a variable). */
  readonly key: string;
  /** The account it is for; undefined for anonymous visitors. */
  readonly account: string | undefined;
  readonly json: string;
}

/**
 * One file per account and one for anonymous visitors.
 *
 * @example meFiles(model).map((f) => f.key) // ["anonymous", "u1", "u2"]
 */
export function meFiles(model: RegistryModel): MeFile[] {
  const file = (key: string, account: string | undefined): MeFile => ({
    key,
    account,
    json: JSON.stringify(portalMe(model, account)) + "\n",
  });
  return [file("anonymous", undefined), ...model.accounts.map((a, i) => file(`u${i + 1}`, a.name))];
}
