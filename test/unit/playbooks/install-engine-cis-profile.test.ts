/**
 * install-engine's `docker_cis_profile: level1`: the daemon.json keys CIS level 1 asks for, any key
 * overridable through docker_daemon_options, and, judged by ops check's own daemon checks, a host
 * configured with it passes every level-1 check that reads the daemon's configuration.
 */
import { strict as assert } from "node:assert";
import { CIS_LEVEL1_DAEMON, daemonSettings } from "../../../playbooks/install-engine.daemon.js";
import { installEngineVariables } from "../../../playbooks/install-engine.vars.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { DEFAULT_PARAMS } from "../../../src/compliance/params.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";
import { factSetFor, hostProbes } from "../compliance/support/fixture-host.js";

const schema = installEngineVariables as unknown as VarsSchema;
const base = { docker_daemon_options: {}, registry_mirrors: [], insecure_registries: [] };

describe("install-engine docker_cis_profile", () => {
  it("defaults to none, takes level1, and refuses anything else by name", () => {
    const ok = validateVars(schema, {}, {});
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.vars.docker_cis_profile, "none");
    assert.deepEqual(validateVars(schema, { docker_cis_profile: "level1" }, {}).errors, []);
    const bad = validateVars(schema, { docker_cis_profile: "level3" }, {}).errors.map((e) => e.message);
    assert.equal(bad.length, 1);
    assert.match(bad[0] ?? "", /docker_cis_profile/);
  });

  it("none sets nothing; level1 sets the preset; docker_daemon_options and the named variables win", () => {
    assert.deepEqual(daemonSettings({ ...base, docker_cis_profile: "none" }), {});
    assert.deepEqual(daemonSettings({ ...base, docker_cis_profile: "level1" }), CIS_LEVEL1_DAEMON);
    const site = daemonSettings({
      ...base,
      docker_cis_profile: "level1",
      docker_daemon_options: { "userland-proxy": true },
      registry_mirrors: ["https://m.example.com"],
    });
    assert.equal(site["userland-proxy"], true, "a site keeps the proxy where the kernel has no hairpin NAT");
    assert.equal(site.icc, false);
    assert.deepEqual(site["registry-mirrors"], ["https://m.example.com"]);
  });

  it("a daemon.json written with level1 passes every level-1 check that reads the configuration", () => {
    const daemonJson = daemonSettings({ ...base, docker_cis_profile: "level1" });
    // The recorded lab host with nothing in daemon.json but what the preset writes.
    const probes = {
      ...hostProbes("lab-default"),
      "file:/etc/docker/daemon.json": { daemonJson },
    };
    const configChecks = catalog(DEFAULT_PARAMS).filter((c) =>
      c.facts.some((f) => f.name === "file:/etc/docker/daemon.json"),
    );
    const level1 = configChecks.filter((c) => c.labels?.level === "1").map((c) => c.id);
    // 2.2 and 2.15 are judged on what the daemon applied (docker info, the bridge), not the file.
    for (const id of ["cis.2.3", "cis.2.4", "cis.2.14", "cis.2.16"]) assert.ok(level1.includes(id), id);
    for (const check of configChecks) {
      const [o] = judgeChecks([check], factSetFor(check.facts, probes));
      const level = check.labels?.level;
      if (level === "1")
        assert.ok(
          o?.status === "pass" || o?.status === "not-applicable",
          `${check.id}: ${o?.status} ${o?.message}`,
        );
    }
    const without = { ...hostProbes("lab-default"), "file:/etc/docker/daemon.json": { daemonJson: {} } };
    const failing = configChecks
      .map((c) => judgeChecks([c], factSetFor(c.facts, without))[0])
      .filter((o) => o?.status === "fail")
      .map((o) => o?.id);
    assert.ok(
      failing.includes("cis.2.14") && failing.includes("cis.2.16"),
      `without it: ${failing.join(", ")}`,
    );
  });
});
