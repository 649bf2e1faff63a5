/**
 * CIS 2.5 and `--waive-configured`: an insecure registry the inventory itself configures fails 2.5
 * (the benchmark decides the verdict); with --waive-configured the run waives exactly those
 * registries on that host, the justification naming the variable (the inventory decides the waiver).
 */
import { strict as assert } from "node:assert";
import type { CheckOutcome } from "../../../src/checks/check.js";
import { effectiveStatus, noteWaivers } from "../../../src/compliance/apply-waivers.js";
import {
  allWaivers,
  cisChecks,
  complianceJudged,
  type ComplianceSetup,
} from "../../../src/compliance/compliance-playbook.js";
import { loadPolicy } from "../../../src/compliance/policy.js";
import type { Waiver } from "../../../src/compliance/waivers.js";
import type { PlaybookHost } from "../../../src/playbook.js";
import { factSetFor, hostProbes, withProbes } from "./support/fixture-host.js";

const TODAY = "2026-05-01";
const HOST = { name: "el9-1" } as PlaybookHost;

/** docker info of the recorded lab host, trusting these registries without TLS. */
const trusting = (registries: string[]) =>
  withProbes(hostProbes("lab-hardened"), {
    "docker-daemon": {
      info: {
        RegistryConfig: {
          InsecureRegistryCIDRs: ["127.0.0.0/8"],
          IndexConfigs: Object.fromEntries(registries.map((r) => [r, { Name: r, Secure: false }])),
          Mirrors: [],
        },
      },
    },
  });

function setup(configured?: Waiver[]): ComplianceSetup {
  return {
    policy: loadPolicy(undefined, []),
    waivers: [],
    today: TODAY,
    drift: [],
    ...(configured ? { configured } : {}),
  };
}

/** The host's 2.5 as the run judges it: the check cisChecks gives the host, then the judged hook. */
function run(s: ComplianceSetup, vars: Record<string, unknown>, registries: string[]): CheckOutcome {
  const check = cisChecks(s, vars, HOST).find((c) => c.id === "cis.2.5");
  assert.ok(check, "the default policy runs cis.2.5");
  const result = check.judge(factSetFor(check.facts, trusting(registries)));
  return complianceJudged(s)(HOST.name, { id: check.id, title: check.title, ...result });
}

describe("CIS 2.5 and --waive-configured", () => {
  const vars = { insecure_registries: ["harbor.lan:5000"] };

  it("a registry the host's own insecure_registries lists fails 2.5, naming it", () => {
    const o = run(setup(), vars, ["harbor.lan:5000"]);
    assert.equal(o.status, "fail");
    assert.equal(effectiveStatus(o), "fail");
    assert.deepEqual(o.subjects, ["harbor.lan:5000"]);
    assert.match(o.message, /trusts harbor\.lan:5000 without TLS/);
  });

  it("with --waive-configured it is waived, the justification naming the variable, for this run only", () => {
    const configured: Waiver[] = [];
    const s = setup(configured);
    const o = run(s, vars, ["harbor.lan:5000"]);
    assert.equal(o.status, "fail", "the verdict is the benchmark's");
    assert.equal(effectiveStatus(o), "waived");
    assert.match(o.waived?.justification ?? "", /insecure_registries = harbor\.lan:5000/);
    assert.equal(o.waived?.expires, TODAY);
    const [noted] = noteWaivers([o], allWaivers(s), HOST.name, TODAY);
    assert.equal(noted?.waiver?.state, "active");
    assert.match(noted?.waiver?.origin ?? "", /--waive-configured/);
  });

  it("a registry the engine trusts beyond what the inventory configures is not waived", () => {
    const o = run(setup([]), vars, ["harbor.lan:5000", "rogue.example:5000"]);
    assert.equal(effectiveStatus(o), "fail");
    assert.deepEqual(o.subjects, ["harbor.lan:5000", "rogue.example:5000"]);
  });

  it("a host that configures none gets no waiver, and other hosts' waivers do not reach it", () => {
    const configured: Waiver[] = [];
    const s = setup(configured);
    run(s, vars, ["harbor.lan:5000"]);
    const other = cisChecks(s, {}, { name: "el9-2" } as PlaybookHost).find((c) => c.id === "cis.2.5");
    assert.ok(other);
    assert.equal(configured.length, 1, "one waiver, for el9-1");
    const result = other.judge(factSetFor(other.facts, trusting(["harbor.lan:5000"])));
    const o = complianceJudged(s)("el9-2", { id: other.id, title: other.title, ...result });
    assert.equal(effectiveStatus(o), "fail");
  });

  it("no insecure registry: 2.5 passes and nothing is waived", () => {
    const o = run(setup([]), vars, []);
    assert.equal(o.status, "pass");
    assert.equal(o.waived, undefined);
  });
});
