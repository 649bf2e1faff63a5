import { strict as assert } from "node:assert";
import fc from "fast-check";
import { allowed, registryModel, type Action } from "../../../src/registry/model.js";
import { accessTable, mapLookup, requestKey } from "../../../src/registry/rights.js";
import { ACTIONS, nginxAllows, varsArb } from "./support/roles.js";

describe("registry authorization table", () => {
  it("grants exactly what the role model allows, for random users, projects and roles", () => {
    fc.assert(
      fc.property(varsArb, (vars) => {
        const model = registryModel(vars);
        const users = [
          undefined,
          ...model.accounts.map((a) => a.name),
          "stranger",
          // ops verify's robot: no account of the model, still a user nginx may verify.
          "robot$ops-verify-1a2b3c-1765135000",
        ];
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
    // The verify project: the admin pushes, anyone pulls, nobody else writes.
    assert.deepEqual(
      [
        may("root", "push", "ops-verify"),
        may(undefined, "pull", "ops-verify"),
        may("dev", "pull", "ops-verify"),
        may("dev", "push", "ops-verify"),
        may("robot$ci", "push", "ops-verify"),
        may(undefined, "push", "ops-verify"),
        may("dev", "delete", "ops-verify"),
      ],
      [true, true, true, false, false, false, false],
    );
    // ops verify's robot pushes there and nowhere else, and deletes nothing; one not so named gets nothing.
    const robot = "robot$ops-verify-1a2b3c-1765135000";
    assert.deepEqual(
      [
        may(robot, "push", "ops-verify"),
        may(robot, "pull", "ops-verify"),
        may(robot, "delete", "ops-verify"),
        may(robot, "push", "team"),
        may(robot, "pull", "team"),
        may("robot$ops-verify-1a2b3c", "push", "ops-verify"),
        may("robot$ops-verify-1a2b3c-1765135000x", "push", "ops-verify"),
      ],
      [true, true, false, false, false, false, false],
    );
    assert.ok(mapLookup(accessTable(model).grants, requestKey(robot, "base", "")));
    assert.ok(!mapLookup(accessTable(model).grants, requestKey(robot, "catalog", "")));
  });
});
