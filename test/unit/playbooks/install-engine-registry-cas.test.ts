import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
/**
 * install-engine's `registry_ca_certs`: a private registry's CA goes to certs.d on every engine host
 * (no restart, no insecure-registries). Keys are folder names, so only host[:port]; values are PEM
 * certificates, checked by the schema (the armour) and by a rule (what is inside), before connecting.
 */
import { strict as assert } from "node:assert";
import installEngine from "../../../playbooks/install-engine.js";
import { installEngineRules } from "../../../playbooks/install-engine.rules.js";
import { installEngineVariables, type InstallEngineVars } from "../../../playbooks/install-engine.vars.js";
import { testCa } from "../../helpers/test-ca.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { dockerFiles } from "../../../src/compliance/facts/docker-files.js";
import { DEFAULT_PARAMS } from "../../../src/compliance/params.js";
import { FactSet } from "../../../src/facts/fact.js";
import { CA_FILE_MODE } from "../../../src/registry/trust.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const host = { name: "h", address: "10.0.0.1", groups: ["all"], facts: SAMPLE_HOST_FACTS.el9 };
const validate = (over: Record<string, unknown>) =>
  validateVars(installEngineVariables as unknown as VarsSchema, over, {});

describe("install-engine registry_ca_certs", () => {
  let caPem = "";
  before(async () => {
    caPem = (await testCa()).caPem;
  });

  it("puts each CA in certs.d (both spellings for :443), after the engine's own steps", () => {
    const { vars, errors } = validate({
      registry_ca_certs: { "reg.lan:5000": caPem, "harbor.lan:443": caPem },
    });
    assert.deepEqual(errors, []);
    const ie = vars as InstallEngineVars;
    assert.deepEqual(
      installEngineRules.flatMap((r) => r.check(ie, host)),
      [],
    );
    const ids = installEngine.resources(ie, host, { yes: false, runId: "r", outputs: {} }).map((r) => r.id);
    const certs = ids.filter((id) => id.includes("/etc/docker/certs.d/"));
    assert.deepEqual(certs, [
      "file:/etc/docker/certs.d/reg.lan:5000/ca.crt",
      "file:/etc/docker/certs.d/harbor.lan:443/ca.crt",
      "file:/etc/docker/certs.d/harbor.lan/ca.crt",
    ]);
    assert.ok(ids.indexOf(certs[0] ?? "") > ids.indexOf("service:docker"), "the engine is up first");
  });

  it("writes the CA files 0444 root:root, which its own CIS 3.7/3.8 check passes (0644 would fail it)", () => {
    const { vars } = validate({ registry_ca_certs: { "reg.lan:5000": caPem } });
    const step = installEngine
      .resources(vars as InstallEngineVars, host, { yes: false, runId: "r", outputs: {} })
      .find((r) => r.id === "file:/etc/docker/certs.d/reg.lan:5000/ca.crt");
    assert.ok(step);
    const plan = step.plan(new FactSet(new Map(step.facts.map((f) => [f.name, { exists: false }]))));
    const script = plan.kind === "change" ? plan.steps.map((s) => s.script).join("\n") : "";
    assert.match(script, /chmod 0444/);
    assert.match(script, /chown root:root/);
    const certsD = catalog(DEFAULT_PARAMS).find((c) => c.id === "cis.3.8");
    const owner = catalog(DEFAULT_PARAMS).find((c) => c.id === "cis.3.7");
    assert.ok(certsD && owner);
    // What `stat -c %f` prints for a regular file of that mode, in the probe's own line format.
    const judge = (mode: string) => {
      const hex = (0o100000 | Number.parseInt(mode, 8)).toString(16);
      const out = `cert /etc/docker/certs.d/reg.lan:5000/ca.crt\nstat ${hex} 0 0 root root /etc/docker/certs.d/reg.lan:5000/ca.crt\n`;
      const facts = new FactSet(new Map([[dockerFiles.name, dockerFiles.parse(out)]]));
      return `${owner.judge(facts).status} ${certsD.judge(facts).status}`;
    };
    assert.equal(judge(CA_FILE_MODE), "pass pass");
    assert.equal(judge("0644"), "pass fail");
  });

  it("none by default: no certs.d step", () => {
    const { vars } = validate({});
    const ids = installEngine
      .resources(vars as InstallEngineVars, host, { yes: false, runId: "r", outputs: {} })
      .map((r) => r.id);
    assert.equal(
      ids.some((id) => id.includes("certs.d")),
      false,
    );
  });

  it("a key that is not host[:port] is refused: it would be a path under certs.d", () => {
    for (const key of ["..", "../../etc", "a/b", "", "reg.lan:5000/x", "-x"]) {
      const { errors } = validate({ registry_ca_certs: { [key]: caPem } });
      assert.ok(errors.length > 0, `${JSON.stringify(key)} was accepted`);
      assert.match(
        errors.map((e) => e.message).join(),
        /^registry_ca_certs\..* is not allowed: a key here must be a registry address, host or host:port/,
      );
    }
  });

  it("a value that is not PEM says what form is expected; armour around garbage is caught by the rule", () => {
    const { errors } = validate({ registry_ca_certs: { "reg.lan:5000": "not a certificate" } });
    assert.match(
      errors.map((e) => e.message).join(),
      /must be a PEM certificate \(-----BEGIN CERTIFICATE-----/,
    );
    const garbage = "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n";
    const { vars, errors: none } = validate({ registry_ca_certs: { "reg.lan:5000": garbage } });
    assert.deepEqual(none, []);
    const problems = installEngineRules.flatMap((r) => r.check(vars as InstallEngineVars, host));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.variable, "registry_ca_certs");
    assert.equal(problems[0]?.path, "reg.lan:5000");
    assert.match(problems[0]?.message ?? "", /the CA for reg\.lan:5000: certificate 1 cannot be read/);
  });
});
