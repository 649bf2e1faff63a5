import { strict as assert } from "node:assert";
import fc from "fast-check";
import { registryModel, VERIFY_PROJECT } from "../../../../src/registry/model.js";
import { meFiles, portalMe } from "../../../../src/registry/portal/me.js";
import { mayDelete, mayOpen, navigation } from "../../../../src/registry/portal/page.js";
import { ACTIONS, nginxAllows, varsArb } from "../support/roles.js";
import { sampleModel } from "../support/sample.js";

describe("portal: what each account sees", () => {
  it("offers exactly what nginx's maps allow: every project it may pull, push and delete flags, for random registries", () => {
    fc.assert(
      fc.property(varsArb, (vars) => {
        const model = registryModel(vars);
        for (const user of [undefined, ...model.accounts.map((a) => a.name)]) {
          const me = portalMe(model, user);
          for (const p of model.projects) {
            const seen = me.projects.find((x) => x.name === p.name);
            // The verify project is ops's own: never listed, though anyone may pull from it.
            assert.equal(
              seen !== undefined,
              p.name !== VERIFY_PROJECT && nginxAllows(model, user, "pull", p.name),
              `${user} sees ${p.name}`,
            );
            if (seen === undefined) continue;
            for (const action of ACTIONS)
              assert.equal(
                seen[action],
                nginxAllows(model, user, action, p.name),
                `${user} ${action} ${p.name}`,
              );
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("guest, developer, maintainer, system admin and anonymous on the sample registry", () => {
    const model = sampleModel();
    const names = (u: string | undefined) => portalMe(model, u).projects.map((p) => p.name);
    assert.deepEqual(names(undefined), ["pub"]);
    assert.deepEqual(names("guest"), ["pub", "team"]);
    assert.deepEqual(names("dev"), ["pub", "team"]);
    assert.deepEqual(names("keeper"), ["pub", "secret", "team"]);
    assert.deepEqual(names("root"), ["pub", "secret", "team"]);
    const team = (u: string) => portalMe(model, u);
    assert.equal(mayDelete(team("guest"), "team/app"), false);
    assert.equal(mayDelete(team("dev"), "team/app"), false);
    assert.equal(mayDelete(team("keeper"), "team/app"), true);
    assert.equal(mayDelete(team("root"), "team/app"), true);
    assert.equal(portalMe(model, "guest").projects.find((p) => p.name === "team")?.role, "guest");
    // Only system admins get the audit log and the accounts page, and the accounts list.
    for (const u of [undefined, "guest", "dev", "keeper"]) {
      const me = portalMe(model, u);
      assert.deepEqual(
        navigation(me).map((n) => n.label),
        ["Projects"],
      );
      assert.equal(mayOpen(me, { page: "audit" }), false);
      assert.equal(me.accounts, undefined);
    }
    const root = portalMe(model, "root");
    assert.deepEqual(
      navigation(root).map((n) => n.label),
      ["Projects", "Audit log", "Accounts"],
    );
    assert.deepEqual(root.accounts?.find((a) => a.name === "keeper")?.roles, {
      team: "maintainer",
      secret: "maintainer",
    });
    assert.equal(mayOpen(portalMe(model, "dev"), { page: "repository", repository: "secret/x" }), false);
  });

  it("renders one file per account plus anonymous, keyed so no account name reaches nginx's config as a value", () => {
    const files = meFiles(sampleModel());
    assert.deepEqual(
      files.map((f) => f.key),
      ["anonymous", "u1", "u2", "u3", "u4", "u5"],
    );
    assert.equal(files.find((f) => f.account === "robot$ci")?.key, "u5");
    assert.deepEqual(JSON.parse(files[0]?.json ?? ""), portalMe(sampleModel(), undefined));
  });
});
