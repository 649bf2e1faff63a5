import { strict as assert } from "node:assert";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { verdict, type CheckOutcome } from "../../../src/checks/check.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import {
  applyWaivers,
  effectiveStatus,
  utcDay,
  withWaivers,
  type ComplianceOutcome,
} from "../../../src/compliance/apply-waivers.js";
import { FactSet } from "../../../src/facts/fact.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { DEFAULT_PARAMS } from "../../../src/compliance/params.js";
import { loadWaivers, type Waiver } from "../../../src/compliance/waivers.js";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory } from "../../../src/inventory/types.js";

const input = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/compliance/inputs/${name}`, import.meta.url));
const INVENTORY = fileURLToPath(new URL("../../fixtures/inventory/lab/hosts.yaml", import.meta.url));
const PLAYBOOKS = ["install-engine"];

const outcome = (id: string, status: "pass" | "fail" | "error"): CheckOutcome => ({
  id,
  title: id,
  ...verdict(status, `${id} ${status}`, { command: "true", output: "" }),
});

describe("waivers", () => {
  let inventory: Inventory;
  let waivers: Waiver[];
  before(async () => {
    inventory = await loadInventory(INVENTORY);
    waivers = loadWaivers(input("waivers.yaml"), inventory, PLAYBOOKS);
  });

  it("resolve host patterns against the inventory with --limit's matcher", () => {
    assert.deepEqual([...(waivers[0]?.hostNames ?? [])].sort(), ["el9-1", "el9-2"]);
    assert.deepEqual([...(waivers[1]?.hostNames ?? [])], ["el9-2"]);
    assert.equal(waivers[2]?.hosts, "all");
    assert.equal(waivers[2]?.hostNames.size, inventory.hosts.length);
    assert.match(waivers[0]?.origin ?? "", /waivers\.yaml:2$/);
  });

  it("an active waiver turns a failure into waived; a pass stays a pass", () => {
    const today = "2026-05-01";
    const [icc, live] = applyWaivers(
      [outcome("cis.daemon.icc", "fail"), outcome("cis.daemon.live-restore", "fail")],
      waivers,
      "el9-1",
      today,
    );
    assert.equal(icc?.waiver?.state, "active");
    assert.equal(effectiveStatus(icc!), "waived");
    assert.equal(icc?.status, "fail", "the verdict itself is kept, for history");
    assert.equal(effectiveStatus(live!), "fail", "no waiver for this check");
    const [passing] = applyWaivers([outcome("cis.daemon.icc", "pass")], waivers, "el9-1", today);
    assert.equal(effectiveStatus(passing!), "pass");
  });

  it("applies only to the hosts its pattern selects", () => {
    const [other] = applyWaivers([outcome("cis.daemon.icc", "fail")], waivers, "el8-1", "2026-05-01");
    assert.equal(effectiveStatus(other!), "fail");
    assert.equal(other?.waiver, undefined);
  });

  it("an expired waiver is evaluated normally and says so; it holds through its last day", () => {
    const [lastDay] = applyWaivers(
      [outcome("cis.containers.memory", "fail")],
      waivers,
      "el9-2",
      "2020-01-31",
    );
    assert.equal(effectiveStatus(lastDay!), "waived");
    const [expired] = applyWaivers(
      [outcome("cis.containers.memory", "fail")],
      waivers,
      "el9-2",
      "2020-02-01",
    );
    assert.equal(effectiveStatus(expired!), "fail");
    assert.equal(expired?.waiver?.state, "expired");
    assert.match(expired?.message ?? "", /\(waiver expired on 2020-01-31: a batch job sizes itself/);
  });

  it("run: false leaves the check out of the host's probe and reports it waived, not run", () => {
    const checks = catalog(DEFAULT_PARAMS);
    const today = utcDay(new Date("2026-05-01T12:00:00Z"));
    const wrapped = withWaivers(checks, waivers, "el9-1", today);
    const audit = wrapped.find((c) => c.id === "cis.host.audit-rules");
    assert.deepEqual(audit?.facts, [], "no probe for it");
    const [skipped] = judgeChecks(audit ? [audit] : [], new FactSet(new Map())) as ComplianceOutcome[];
    assert.equal(effectiveStatus(skipped!), "waived");
    assert.equal(skipped?.waiver?.notRun, true);
    assert.match(skipped?.message ?? "", /^not run: waived until 2099-12-31/);
    const untouched = wrapped.find((c) => c.id === "cis.daemon.live-restore");
    assert.equal(
      untouched,
      checks.find((c) => c.id === "cis.daemon.live-restore"),
      "checks without a waiver are as they were",
    );
  });

  it("a wrapped judge carries the waiver into the engine's outcome", () => {
    const checks = catalog(DEFAULT_PARAMS).filter((c) => c.id === "cis.daemon.icc");
    const wrapped = withWaivers(checks, waivers, "el9-2", "2026-05-01");
    // The icc judge reads facts this set does not have, so it throws: an error, still waived.
    const [o] = judgeChecks(
      wrapped.map((c) => ({ ...c, facts: [] })),
      new FactSet(new Map()),
    ) as ComplianceOutcome[];
    assert.equal(o?.status, "error");
    assert.match(o?.message ?? "", /could not judge: fact docker-info was not gathered/);
    assert.equal(effectiveStatus(o!), "waived");
  });

  it("a bad waivers file: every problem at once, with the file, the dot-path and the line", () => {
    const file = input("bad-waivers.yaml");
    let errors: ConfigError[] = [];
    try {
      loadWaivers(file, inventory, PLAYBOOKS);
    } catch (err) {
      errors = err instanceof ConfigErrors ? err.errors : err instanceof ConfigError ? [err] : [];
    }
    assert.deepEqual(
      errors.map((e) => `${e.location.line} ${e.location.path} ${e.message}`),
      [
        '8 waivers.1.justification justification must be a sentence saying why (it is required), got "short"',
        "10 waivers.2 item 3 must have justification",
        '12 waivers.2.expires expires must be a date, YYYY-MM-DD, got "tomorrow"',
      ],
    );
    assert.ok(errors.every((e) => e.location.file === file));
  });

  it("a waiver for an unknown check, a host that does not exist or a day that is no date is an error", () => {
    const file = input("bad-waivers.yaml");
    // The same file with the schema problems fixed: what the cross-field rules find.
    const text = `waivers:
  - check: cis.daemon.iccc
    hosts: el9
    justification: "legacy app talks container to container"
    expires: 2099-12-31
  - check: cis.daemon.live-restore
    hosts: el9-7
    justification: "accepted by the ops team"
    expires: 2026-02-30
`;
    const fixed = `${file}.rules.yaml`;
    writeFileSync(fixed, text);
    try {
      let errors: ConfigError[] = [];
      try {
        loadWaivers(fixed, inventory, PLAYBOOKS);
      } catch (err) {
        errors = err instanceof ConfigErrors ? err.errors : [];
      }
      assert.deepEqual(
        errors.map((e) => [e.location.line, e.location.path, e.message, e.hint]),
        [
          [2, "waivers.0.check", "'cis.daemon.iccc' names no check", "did you mean 'cis.daemon.icc'?"],
          [
            7,
            "waivers.1.hosts",
            "hosts 'el9-7': no host or group matches 'el9-7'",
            "did you mean 'el9-1' or 'el9-2'?",
          ],
          [9, "waivers.1.expires", "'2026-02-30' is not a date", undefined],
        ],
      );
    } finally {
      rmSync(fixed);
    }
  });
});
