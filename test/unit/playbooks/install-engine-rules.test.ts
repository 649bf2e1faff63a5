import { SAMPLE_HOST_FACTS } from "../../../src/packages/host-facts.js";
/**
 * install-engine's rules, checked before anything connects: a version pin dnf would reject, a TCP API
 * socket without TLS and an insecure registry CIDR that covers the internet are refused; allowed on
 * purpose, the unsafe settings are written, and the daemon.json step says so (so --diff and --check
 * show it).
 */
import { strict as assert } from "node:assert";
import installEngine from "../../../playbooks/install-engine.js";
import { installEngineRules } from "../../../playbooks/install-engine.rules.js";
import { installEngineVariables, type InstallEngineVars } from "../../../playbooks/install-engine.vars.js";
import { FactSet } from "../../../src/facts/fact.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const host = { name: "h", address: "10.0.0.1", groups: ["all"], facts: SAMPLE_HOST_FACTS.el9 };

function varsWith(over: Record<string, unknown>): InstallEngineVars {
  const { vars, errors } = validateVars(installEngineVariables as unknown as VarsSchema, over, {});
  assert.deepEqual(errors, []);
  return vars as InstallEngineVars;
}

const problems = (over: Record<string, unknown>) =>
  installEngineRules.flatMap((r) =>
    r.check(varsWith(over), host).map((p) => `${r.name}: ${p.variable} ${p.message}`),
  );

describe("install-engine rules", () => {
  it("accepts the defaults and safe settings", () => {
    assert.deepEqual(problems({}), []);
    assert.deepEqual(
      problems({
        docker_daemon_options: {
          hosts: ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
          tlsverify: true,
        },
      }),
      [],
    );
    assert.deepEqual(problems({ insecure_registries: ["10.1.0.0/16", "reg.lan:5000"] }), []);
  });

  it("refuses a TCP socket without TLS, an insecure registry wider than /8, and a pin dnf would reject", () => {
    assert.match(
      problems({ docker_daemon_options: { hosts: ["tcp://0.0.0.0:2375"], tls: false } }).join(),
      /tcp-socket-needs-tls: docker_daemon_options .*without tlsverify/,
    );
    assert.match(
      problems({ docker_daemon_options: { hosts: ["0.0.0.0:2375"] } }).join(),
      /tcp-socket-needs-tls/,
    );
    assert.match(
      problems({ insecure_registries: ["0.0.0.0/0"] }).join(),
      /insecure-registry-any: insecure_registries/,
    );
    assert.match(
      problems({ docker_daemon_options: { "insecure-registries": ["::/0"] } }).join(),
      /insecure-registry-any: docker_daemon_options/,
    );
    assert.match(problems({ docker_version: "1:2:3" }).join(), /version-pin: docker_version/);
    assert.match(
      problems({ docker_daemon_options: { "max-concurrent-downloads": Infinity } }).join(),
      /finite-numbers/,
    );
  });

  it("allowed on purpose, an unsafe setting is written and the daemon.json step says so", () => {
    const vars = varsWith({
      docker_daemon_options: { hosts: ["tcp://0.0.0.0:2375"] },
      docker_allow_unsafe: ["tcp-without-tls"],
    });
    assert.deepEqual(
      installEngineRules.flatMap((r) => r.check(vars, host)),
      [],
    );
    const daemon = installEngine
      .resources(vars, host, { yes: false, runId: "r", outputs: {} })
      .find((r) => r.id.startsWith("daemon-json:"));
    assert.ok(daemon);
    const file = { exists: false };
    const engine = { status: "absent" };
    const facts = new FactSet(
      new Map(daemon.facts.map((f) => [f.name, f.name.startsWith("file:") ? file : engine])),
    );
    const outcome = daemon.plan(facts);
    assert.equal(outcome.kind, "change");
    assert.match(
      outcome.kind === "change" ? (outcome.steps[0]?.description ?? "") : "",
      /UNSAFE, allowed by docker_allow_unsafe: TCP API socket without TLS/,
    );
  });
});
