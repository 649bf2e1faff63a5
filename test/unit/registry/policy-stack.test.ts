/**
 * The control side of the policy service: what deploy-registry tells it (policy.json), when the stack
 * runs it at all, the rules on its variables, expired robots dropped by a run, and how nginx hands it
 * requests (every new map still refuses by default, writes reach it only where the registry would).
 */
import { strict as assert } from "node:assert";
import { parsePolicyConfig } from "../../../src/registry/policy/config.js";
import { expiresAt, registryModel } from "../../../src/registry/model.js";
import { policyConfig, policyNeeded, sizeBytes } from "../../../src/registry/policy-config.js";
import { REGISTRY_RULES } from "../../../src/registry/rules.js";
import { renderStack } from "../../../src/registry/stack.js";
import { evaluate, nginxMaps } from "./support/nginx-maps.js";
import { sampleModel, sampleSpec, varsWith } from "./support/sample.js";
import type { DeployRegistryVars } from "../../../playbooks/deploy-registry.vars.js";

const problems = (v: DeployRegistryVars) =>
  REGISTRY_RULES.flatMap((r) =>
    r
      .check(v, { name: "reg1", address: "10.0.0.5", groups: ["all", "registry"] })
      .map((p) => `${p.variable}${p.path ?? ""}: ${p.message}`),
  );

const vars = varsWith({
  registry_users: [
    { name: "dev", password: "dev-password" },
    { name: "ci", password: "ci-password", robot: true, expires: "2027-01-31" },
    { name: "old", password: "old-password", robot: true, expires: "2020-01-01T12:30:00Z" },
  ],
  registry_projects: [
    {
      name: "team",
      members: [
        { user: "robot$ci", role: "developer" },
        { user: "robot$old", role: "developer" },
      ],
      immutable_tags: ["v*"],
      quota: "1.5GiB",
    },
    { name: "plain" },
  ],
  registry_webhooks: [
    {
      name: "ci",
      project: "team",
      url: "https://hooks.lan/x",
      events: ["PUSH_ARTIFACT"],
      secret: "0123456789abcdef",
    },
  ],
});

describe("policy: what deploy-registry renders", () => {
  it("policy.json holds the expiring robots, the projects with rules, the webhooks; the service reads it back", () => {
    const cfg = policyConfig(vars);
    assert.deepEqual(parsePolicyConfig(JSON.stringify(cfg)), cfg);
    assert.deepEqual(cfg.accounts, [
      { name: "robot$ci", expires: Date.UTC(2027, 0, 31) },
      { name: "robot$old", expires: Date.UTC(2020, 0, 1, 12, 30) },
    ]);
    assert.deepEqual(cfg.projects, [{ name: "team", immutable: ["v*"], quota: 1610612736 }]);
    assert.equal(cfg.webhooks[0]?.secret, "0123456789abcdef");
    assert.equal(sizeBytes("500MiB"), 524288000);
    assert.equal(sizeBytes("1024"), 1024);
    assert.equal(expiresAt("2027-01-31"), Date.UTC(2027, 0, 31));
    assert.equal(expiresAt("2028-02-29T23:59:59Z"), Date.UTC(2028, 1, 29, 23, 59, 59));
    for (const day of ["2027-02-29", "2027-02-30", "2027-04-31", "2027-13-01", "2027-01-31T24:00Z"])
      assert.ok(Number.isNaN(expiresAt(day)), day);
  });

  it("the service runs only when something needs it; without, the stack is what it was", () => {
    assert.equal(policyNeeded(varsWith()), true, "the portal is on by default and needs the service");
    assert.equal(policyNeeded(varsWith({ registry_portal: false })), false);
    assert.equal(policyNeeded(vars), true);
    assert.equal(policyNeeded(varsWith({ registry_metrics: { port: 9464, allow: ["10.0.0.1"] } })), true);
    const plain = renderStack(sampleSpec(), sampleModel(), null);
    assert.equal(plain.services.policy, undefined);
    assert.ok(!plain.files.some((f) => f.path.includes("/policy/")));
    assert.ok(!plain.files.some((f) => f.content.includes("ops_policy")));
  });

  it("a run drops an expired robot from the accounts and every role; the one still valid stays", () => {
    const model = registryModel(vars, Date.UTC(2026, 11, 7));
    assert.deepEqual(
      model.accounts.map((a) => a.name),
      ["dev", "robot$ci"],
    );
    assert.deepEqual([...(model.projects[0]?.members.keys() ?? [])], ["robot$ci"]);
    assert.deepEqual(
      registryModel(vars, Date.UTC(2027, 0, 31)).accounts.map((a) => a.name),
      ["dev"],
      "refused from the first second of the expiry date",
    );
  });

  it("rules: expiry only on robots, patterns that compile, webhooks of declared projects, metrics someone may scrape", () => {
    assert.deepEqual(problems(vars), []);
    const bad = varsWith({
      registry_users: [
        { name: "dev", password: "dev-password", expires: "2027-01-01" },
        { name: "ci", password: "ci-password", robot: true, expires: "2027-02-30" },
      ],
      registry_projects: [{ name: "team", immutable_tags: ["{v1"] }],
      registry_webhooks: [
        {
          name: "a",
          project: "nope",
          url: "http://h/x",
          events: ["PUSH_ARTIFACT"],
          secret: "0123456789abcdef",
        },
        {
          name: "a",
          project: "team",
          url: "http://h/x",
          events: ["PUSH_ARTIFACT"],
          secret: "0123456789abcdef",
        },
      ],
      registry_metrics: { port: 443, allow: [] },
    });
    assert.deepEqual(problems(bad), [
      "registry_users[0].expires: 'dev' is no robot: only robot accounts expire",
      "registry_users[1].expires: '2027-02-30' is no date",
      'registry_projects[0].immutable_tags[0]: "{v1": "{" without "}"',
      "registry_webhooks[0].project: 'nope' is no registry_projects name",
      "registry_webhooks[1].name: webhook 'a' is declared twice",
      "registry_metrics.allow: metrics are published, but nobody may scrape them",
      "registry_metrics.port: port 443 is already the registry's",
    ]);
  });

  it("nginx: decided writes go to the service only where the registry would serve them; robots are checked there", () => {
    const spec = sampleSpec({
      policy: {
        server: "// bundle\n",
        config: "{}\n",
        secret: true,
        metrics: { port: 9464, allow: ["10.0.0.5"] },
      },
    });
    const stack = renderStack(spec, sampleModel(), null);
    assert.ok(stack.services.policy);
    assert.deepEqual(stack.ports, [443, 5443, 9464]);
    const json = stack.files.find((f) => f.path.endsWith("/policy/policy.json"));
    assert.equal(json?.mode, "0600");
    assert.equal(json?.sensitive, true);
    const conf = stack.files
      .filter((f) => f.path.endsWith("/nginx.conf") || f.path.endsWith("/access.conf"))
      .map((f) => f.content)
      .join("\n");
    const maps = nginxMaps(conf);
    const map = (v: string) => {
      const m = maps.find((x) => x.variable === v);
      assert.ok(m, v);
      return m;
    };
    const write = map("ops_write_backend");
    // It only ever narrows the registry's backend: during GC (ops_unavailable, ops_registry_ro) nothing changes.
    assert.equal(write.fallback, "$ops_registry_backend");
    assert.equal(evaluate(write, "ops_registry:PUT:manifest"), "ops_policy");
    assert.equal(evaluate(write, "ops_registry:PUT:upload"), "ops_policy");
    assert.equal(evaluate(write, "ops_registry:PATCH:upload"), "$ops_registry_backend", "blob data never");
    assert.equal(evaluate(write, "ops_unavailable:PUT:manifest"), "$ops_registry_backend");
    assert.equal(evaluate(map("ops_upstream"), "registry:1:0:1:1:1:1:manifest"), "$ops_write_backend");
    assert.equal(evaluate(map("ops_upstream"), "registry:0:0:1:1:1:1:manifest"), "ops_denied");
    assert.equal(evaluate(map("ops_verified_upstream"), "robot$ci"), "ops_policy");
    assert.equal(evaluate(map("ops_verified_upstream"), "robotic"), "ops_verified");
    assert.match(conf, /listen 9464;\n\s+access_log off;\n\s+allow 10\.0\.0\.5;\n\s+deny all;/);
    const compose = stack.files.find((f) => f.path.endsWith("/compose.yaml"))?.content ?? "";
    assert.match(compose, /- \/var\/lib\/ops-registry\/registry:\/var\/lib\/registry:ro\n/);
    assert.match(compose, /"9464:9464"/);
  });
});
