import { strict as assert } from "node:assert";
import { REGISTRY_RULES } from "../../../src/registry/rules.js";
import { SAMPLE_VARS, varsWith } from "./support/sample.js";
import type { DeployRegistryVars } from "../../../playbooks/deploy-registry.vars.js";

const host = { name: "reg1", address: "10.0.0.5", groups: ["all", "registry"] };
const problems = (v: DeployRegistryVars) =>
  REGISTRY_RULES.flatMap((r) => r.check(v, host).map((p) => ({ rule: r.name, ...p })));

describe("deploy-registry rules", () => {
  it("accept the sample registry and the defaults", () => {
    assert.deepEqual(problems(varsWith(SAMPLE_VARS)), []);
    assert.deepEqual(problems(varsWith()), []);
  });

  it("refuse a duplicate project and a duplicate account, naming the entry", () => {
    const v = varsWith({
      ...SAMPLE_VARS,
      registry_users: [...SAMPLE_VARS.registry_users, { name: "dev", password: "another-1" }],
      registry_projects: [...SAMPLE_VARS.registry_projects, { name: "team" }],
    });
    const found = problems(v);
    assert.deepEqual(
      found.map((p) => [p.rule, p.variable, p.path]),
      [
        ["unique-users", "registry_users", "[5].name"],
        ["unique-projects", "registry_projects", "[3].name"],
      ],
    );
    assert.match(found[1]?.message ?? "", /project 'team' is declared twice/);
  });

  it("refuse a declared project named ops-verify: the round trip's own, open to anonymous pulls", () => {
    const v = varsWith({
      ...SAMPLE_VARS,
      registry_projects: [...SAMPLE_VARS.registry_projects, { name: "ops-verify", public: false }],
    });
    const found = problems(v);
    assert.deepEqual(
      found.map((p) => [p.rule, p.variable, p.path]),
      [["reserved-project", "registry_projects", "[3].name"]],
    );
    assert.match(found[0]?.message ?? "", /'ops-verify' is reserved/);
    // A name that only starts like it is any project.
    const other = varsWith({ ...SAMPLE_VARS, registry_projects: [{ name: "ops-verify-x" }] });
    assert.deepEqual(problems(other), []);
  });

  it("refuse a robot named like ops verify's robots; a person may have such a name", () => {
    const v = varsWith({
      ...SAMPLE_VARS,
      registry_users: [
        ...SAMPLE_VARS.registry_users,
        { name: "ops-verify-1a2b-1765135000", password: "robot-pass", robot: true },
        { name: "ops-verify-x", password: "person-pass" },
      ],
    });
    const found = problems(v);
    const at = SAMPLE_VARS.registry_users.length;
    assert.deepEqual(
      found.map((p) => [p.rule, p.variable, p.path]),
      [["reserved-robot-names", "registry_users", `[${at}].name`]],
    );
    assert.match(found[0]?.message ?? "", /robot names starting with 'ops-verify-' are reserved/);
  });

  it("refuse members that are no account, twice a member, and robots with more than push", () => {
    const v = varsWith({
      registry_users: [
        { name: "ci", password: "robot-pass", robot: true, admin: true },
        { name: "ann", password: "ann-pass-1" },
      ],
      registry_projects: [
        {
          name: "p",
          members: [
            { user: "ci", role: "guest" },
            { user: "robot$ci", role: "maintainer" },
            { user: "ann", role: "guest" },
            { user: "ann", role: "developer" },
          ],
        },
      ],
    });
    const found = problems(v);
    assert.deepEqual(
      found.map((p) => [p.rule, p.path]),
      [
        ["members-are-accounts", "[0].members[0].user"],
        ["members-are-accounts", "[0].members[3].user"],
        ["robots-are-narrow", "[0].admin"],
        ["robots-are-narrow", "[0].members[1].role"],
      ],
    );
    assert.match(found[0]?.message ?? "", /a robot account is robot\$ci/);
  });

  it("refuse clashing ports, half pairs, and data inside the project folder", () => {
    const v = varsWith({
      registry_port: 5443,
      registry_proxy_cache: { enabled: true, port: 5443, username: "u" },
      registry_tls_cert_file: "reg.crt",
      registry_data_dir: "/opt/ops-registry/data",
    });
    assert.deepEqual(
      problems(v).map((p) => p.rule),
      ["distinct-ports", "complete-pairs", "complete-pairs", "data-outside-project"],
    );
  });
});
