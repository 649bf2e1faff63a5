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
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const host = { name: "h", address: "10.0.0.1", groups: ["all"] };
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
