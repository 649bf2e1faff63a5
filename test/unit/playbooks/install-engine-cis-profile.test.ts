/**
 * install-engine's `docker_cis_profile: level1`: the daemon.json keys CIS level 1 asks for, any key
 * overridable through docker_daemon_options, and, judged by ops check's own daemon checks, a host
 * configured with it passes every level-1 check that reads the daemon's configuration.
 */
import { strict as assert } from "node:assert";
import installEngine from "../../../playbooks/install-engine.js";
import { CIS_LEVEL1_DAEMON, daemonSettings } from "../../../playbooks/install-engine.daemon.js";
import { installEngineVariables, type InstallEngineVars } from "../../../playbooks/install-engine.vars.js";
import { dockerDaemon } from "../../../src/facts/docker-info.js";
import { FactSet } from "../../../src/facts/fact.js";
import { nrOpen } from "../../../src/facts/nr-open.js";
import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
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

  it("level1's nofile stays within the host's hard limit (fs.nr_open), read in the same batch", () => {
    const host = { name: "h", address: "10.0.0.1", groups: ["all"], facts: SAMPLE_HOST_FACTS.el9 };
    /** The daemon.json install-engine would write on a fresh host whose kernel allows `limit` open files. */
    const written = (over: Record<string, unknown>, limit: number) => {
      const vars = validateVars(schema, over, {}).vars as InstallEngineVars;
      const r = installEngine
        .resources(vars, host, { yes: false, runId: "r", outputs: {} })
        .find((x) => x.id === "daemon-json:/etc/docker/daemon.json");
      assert.ok(r);
      const values = new Map<string, unknown>([
        ["file:/etc/docker/daemon.json", { exists: false }],
        [dockerDaemon.name, { status: "absent" }],
        [nrOpen.name, limit],
      ]);
      assert.deepEqual(
        r.facts.map((f) => f.name).filter((n) => !values.has(n)),
        [],
        "the resource reads nothing else",
      );
      const outcome = r.plan(new FactSet(values));
      assert.equal(outcome.kind, "change");
      const step = outcome.kind === "change" ? outcome.steps[0] : undefined;
      return JSON.parse(step?.stdin?.toString() ?? "{}") as Record<string, { nofile?: unknown }>;
    };
    const nofile = (n: number) => ({ nofile: { Name: "nofile", Soft: n, Hard: n } });
    assert.deepEqual(written({ docker_cis_profile: "level1" }, 1048576)["default-ulimits"], nofile(16384));
    assert.deepEqual(written({ docker_cis_profile: "level1" }, 4096)["default-ulimits"], nofile(4096));
    // A site's own default-ulimits is taken as is; without the profile the limit is not read at all.
    const own = { "default-ulimits": nofile(2048) };
    assert.deepEqual(
      written({ docker_cis_profile: "level1", docker_daemon_options: own }, 1024)["default-ulimits"],
      nofile(2048),
    );
    const none = installEngine
      .resources(validateVars(schema, {}, {}).vars as InstallEngineVars, host, {
        yes: false,
        runId: "r",
        outputs: {},
      })
      .flatMap((x) => x.facts.map((f) => f.name));
    assert.ok(!none.includes(nrOpen.name));
  });
});
