import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ROLES } from "../../../playbooks/deploy-registry.vars.js";
import { allowed, registryModel, type Action, type RegistryModel } from "../../../src/registry/model.js";
import { accessTable, mapLookup, requestKey } from "../../../src/registry/rights.js";

const name = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,6}[a-z0-9])?$/);
const ACTIONS: Action[] = ["pull", "push", "delete"];

/** Random registry_users and registry_projects as a user would write them (unique names). */
const varsArb = fc
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
function nginxAllows(
  model: RegistryModel,
  user: string | undefined,
  action: Action,
  project: string,
): boolean {
  const table = accessTable(model);
  if (user === undefined && !table.anonymous.includes(`${action}:${project}`)) return false; // 401
  return mapLookup(table.grants, requestKey(user, action, project));
}

describe("registry authorization table", () => {
  it("grants exactly what the role model allows, for random users, projects and roles", () => {
    fc.assert(
      fc.property(varsArb, (vars) => {
        const model = registryModel(vars);
        const users = [undefined, ...model.accounts.map((a) => a.name), "stranger"];
        const projects = [...model.projects.map((p) => p.name), "undeclared"];
        for (const user of users)
          for (const project of projects)
            for (const action of ACTIONS) {
              const want = allowed(model, user, action, project);
              assert.equal(
                nginxAllows(model, user, action, project),
                want,
                `${user ?? "anonymous"} ${action} ${project}`,
              );
            }
        for (const a of model.accounts) {
          assert.ok(
            mapLookup(accessTable(model).grants, requestKey(a.name, "base", "")),
            "docker login works",
          );
          assert.equal(mapLookup(accessTable(model).grants, requestKey(a.name, "catalog", "")), a.admin);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("follows Harbor's roles on a worked example", () => {
    const model = registryModel({
      registry_retention: 0,
      registry_users: [
        { name: "root", password: "x", admin: true },
        { name: "dev", password: "x" },
        { name: "ci", password: "x", robot: true },
      ],
      registry_projects: [
        {
          name: "team",
          members: [
            { user: "dev", role: "developer" },
            { user: "robot$ci", role: "guest" },
          ],
        },
        { name: "pub", public: true },
      ],
    });
    const may = (u: string | undefined, a: Action, p: string) => nginxAllows(model, u, a, p);
    assert.deepEqual(
      [
        may("dev", "push", "team"),
        may("dev", "delete", "team"),
        may("robot$ci", "pull", "team"),
        may("robot$ci", "push", "team"),
      ],
      [true, false, true, false],
    );
    assert.deepEqual(
      [may(undefined, "pull", "pub"), may(undefined, "pull", "team"), may("dev", "push", "pub")],
      [true, false, false],
    );
    assert.deepEqual(
      [may("root", "push", "team"), may("root", "push", "elsewhere"), may("root", "delete", "elsewhere")],
      [true, false, true],
    );
  });
});
