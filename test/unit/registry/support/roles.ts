/** Random registries as users declare them, and what nginx's generated maps decide: for property tests. */
import fc from "fast-check";
import { ROLES } from "../../../../playbooks/deploy-registry.vars.js";
import type { Action, RegistryModel } from "../../../../src/registry/model.js";
import { accessTable, mapLookup, requestKey } from "../../../../src/registry/rights.js";

export const name = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,6}[a-z0-9])?$/);
export const ACTIONS: Action[] = ["pull", "push", "delete"];

/** Random registry_users and registry_projects as a user would write them (unique names). */
export const varsArb = fc
  .record({
    users: fc.uniqueArray(fc.record({ name, admin: fc.boolean(), robot: fc.boolean() }), {
      selector: (u) => `${u.robot ? "robot$" : ""}${u.name}`,
      maxLength: 6,
    }),
    projects: fc.uniqueArray(fc.record({ name, public: fc.boolean() }), {
      selector: (p) => p.name,
      maxLength: 5,
    }),
    roles: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...ROLES)), { maxLength: 20 }),
  })
  .map(({ users, projects, roles }) => {
    const logins = users.map((u) => `${u.robot ? "robot$" : ""}${u.name}`);
    return {
      registry_retention: 0,
      registry_users: users.map((u) => ({ ...u, password: "password-1" })),
      registry_projects: projects.map((p, pi) => {
        const members = new Map<string, (typeof ROLES)[number]>();
        for (const [ui, pj, role] of roles) {
          if (logins.length > 0 && pj % Math.max(projects.length, 1) === pi)
            members.set(logins[ui % logins.length]!, role);
        }
        return { ...p, members: [...members].map(([user, role]) => ({ user, role })) };
      }),
    };
  });

/** What nginx decides: 401 unless the realm is off or credentials are sent; then the grants. */
export function nginxAllows(
  model: RegistryModel,
  user: string | undefined,
  action: Action,
  project: string,
): boolean {
  const table = accessTable(model);
  if (user === undefined && !table.anonymous.includes(`${action}:${project}`)) return false; // 401
  return mapLookup(table.grants, requestKey(user, action, project));
}
