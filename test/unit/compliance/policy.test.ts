import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { errorsOf } from "./support/errors.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { applyPolicy, loadPolicy } from "../../../src/compliance/policy.js";

const input = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/compliance/inputs/${name}`, import.meta.url));
const PLAYBOOKS = ["drift.preflight", "drift.daemon-json:/etc/docker/daemon.json"];

describe("compliance policy", () => {
  it("the shipped default runs every level-1 check and drift, with the benchmark's parameters", () => {
    const policy = loadPolicy(undefined, PLAYBOOKS);
    const ids = applyPolicy(policy, catalog(policy.params)).map((c) => c.id);
    assert.ok(!ids.includes("cis.2.9") && !ids.includes("cis.1.1.7") && ids.includes("cis.2.16"));
    const level1 = catalog(policy.params).filter((c) => c.labels?.level === "1");
    assert.deepEqual(
      ids,
      level1.map((c) => c.id),
      "every level-1 check of the CIS table, and only those",
    );
    assert.equal(policy.drift, true);
    assert.equal(policy.params.certsMaxMode, 0o444);
    assert.equal(policy.params.minimumEngineVersion, "20.10.0");
    assert.match(policy.files[0] ?? "", /policies\/default\.yaml$/);
  });

  it("a site policy changes only what it sets: include, exclude, severities, parameters", () => {
    const policy = loadPolicy(input("site-policy.yaml"), PLAYBOOKS);
    const checks = applyPolicy(policy, catalog(policy.params));
    const ids = checks.map((c) => c.id);
    assert.ok(ids.includes("cis.2.9"), "included above its level");
    assert.ok(!ids.includes("cis.1.1.3"), "excluded");
    assert.ok(!ids.includes("cis.2.13"), "level 2, not included");
    const severity = (id: string) => checks.find((c) => c.id === id)?.labels?.severity;
    assert.equal(severity("cis.5.5"), "high");
    assert.equal(severity("cis.5.11"), "low", "the later, more specific override wins");
    assert.equal(severity("cis.2.2"), "medium", "untouched");
    assert.deepEqual(policy.params.allowedInsecureRegistries, ["harbor.lan:5000"]);
    assert.equal(policy.params.minimumEngineVersion, "24.0");
    assert.equal(policy.params.certsMaxMode, 0o644);
    assert.equal(policy.params.allowedLogDrivers[0], "json-file", "kept from the default");
  });

  it("every schema problem of a bad policy at once, each with the file, the dot-path and the line", () => {
    const file = input("bad-policy.yaml");
    const found = errorsOf(() => loadPolicy(file, PLAYBOOKS)).map(
      (e) => `${e.location.line} ${e.location.path} ${e.message}`,
    );
    assert.deepEqual(found, [
      "1 level level must be one of 1, 2, got 3",
      '5 severity.cis.2.2 cis.2.2 must be one of "high", "medium", "low", got "urgent"',
      '7 params.minimum_engine_version minimum_engine_version must be a version such as "24.0" or "20.10.24", got integer',
      "8 params.log_drivers log_drivers must be a non-empty list of log driver names, got []",
      '9 params.certs_max_mode certs_max_mode must be an octal mode in quotes, such as "0444", got integer',
      "10 params.allowd_users allowd_users is not allowed here (expected allowed_insecure_registries, docker_group_members, minimum_engine_version, log_drivers, certs_max_mode, max_restart_retries)",
    ]);
    for (const e of errorsOf(() => loadPolicy(file, PLAYBOOKS))) assert.equal(e.location.file, file);
  });

  it("a check name that names no check is an error with a did-you-mean", () => {
    const found = errorsOf(() => loadPolicy(input("unknown-check-policy.yaml"), PLAYBOOKS));
    assert.deepEqual(
      found.map((e) => [e.location.path, e.location.line, e.message, e.hint]),
      [
        ["exclude.0", 2, "'cis.2.15x' names no check", "did you mean 'cis.2.15'?"],
        ["exclude.1", 3, "'cis.nothing.*' names no check", "ops check --list shows every check id"],
        [
          "exclude.2",
          4,
          "'drift.install-engine': drift is reported whole",
          "set drift: false to leave it out, or waive what you accept",
        ],
      ],
    );
  });

  it("a missing policy file is a clear error naming it", () => {
    const [e] = errorsOf(() => loadPolicy("/nonexistent/policy.yaml", PLAYBOOKS));
    assert.equal(e?.message, "policy file not found");
    assert.equal(e?.location.file, "/nonexistent/policy.yaml");
  });
});
