import { strict as assert } from "node:assert";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { verdict, type CheckOutcome } from "../../../src/checks/check.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import {
  effectiveStatus,
  judgeWithWaivers,
  noteWaivers,
  utcDay,
  withoutSkipped,
} from "../../../src/compliance/apply-waivers.js";
import { errorsOf } from "./support/errors.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { DEFAULT_PARAMS } from "../../../src/compliance/params.js";
import { loadWaivers, type Waiver } from "../../../src/compliance/waivers.js";
import { FactSet } from "../../../src/facts/fact.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory } from "../../../src/inventory/types.js";

const input = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/compliance/inputs/${name}`, import.meta.url));
const INVENTORY = fileURLToPath(new URL("../../fixtures/inventory/lab/hosts.yaml", import.meta.url));
const DRIFT = ["drift.preflight", "drift.daemon-json:/etc/docker/daemon.json"];

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
    waivers = loadWaivers(input("waivers.yaml"), inventory, DRIFT);
  });

  it("resolve host patterns against the inventory with --limit's matcher", () => {
    assert.deepEqual([...(waivers[0]?.hostNames ?? [])].sort(), ["el9-1", "el9-2"]);
    assert.deepEqual([...(waivers[1]?.hostNames ?? [])], ["el9-2"]);
    assert.equal(waivers[2]?.hosts, "all");
    assert.equal(waivers[2]?.hostNames.size, inventory.hosts.length);
    assert.match(waivers[0]?.origin ?? "", /waivers\.yaml:2$/);
  });

  it("an active waiver marks a failure waived (the engine's field); a pass stays a pass", () => {
    const judged = judgeWithWaivers(waivers, "2026-05-01");
    const icc = judged("el9-1", outcome("cis.2.2", "fail"));
    assert.deepEqual(icc.waived, {
      justification: "legacy app talks container to container until the 2026 migration (J. Doe)",
      expires: "2099-12-31",
    });
    assert.equal(icc.status, "fail", "the verdict itself is kept, for history");
    assert.equal(effectiveStatus(icc), "waived");
    assert.equal(effectiveStatus(judged("el9-1", outcome("cis.2.15", "fail"))), "fail");
    assert.equal(effectiveStatus(judged("el9-1", outcome("cis.2.2", "pass"))), "pass");
  });

  it("applies only to the hosts its pattern selects", () => {
    const other = judgeWithWaivers(waivers, "2026-05-01")("el8-1", outcome("cis.2.2", "fail"));
    assert.equal(other.waived, undefined);
    assert.equal(effectiveStatus(other), "fail");
  });

  it("an expired waiver is evaluated normally and says so; it holds through its last day", () => {
    const lastDay = judgeWithWaivers(waivers, "2020-01-31")("el9-2", outcome("cis.5.11", "fail"));
    assert.equal(effectiveStatus(lastDay), "waived");
    const expired = judgeWithWaivers(waivers, "2020-02-01")("el9-2", outcome("cis.5.11", "fail"));
    assert.equal(effectiveStatus(expired), "fail");
    assert.equal(expired.waived, undefined);
    assert.match(expired.message, /\(waiver expired on 2020-01-31: a batch job sizes itself/);
    const [noted] = noteWaivers([expired], waivers, "el9-2", "2020-02-01");
    assert.equal(noted?.waiver?.state, "expired");
  });

  it("run: false keeps the check out of the host's probe and reports it waived, not run", () => {
    const checks = catalog(DEFAULT_PARAMS);
    const today = utcDay(new Date("2026-05-01T12:00:00Z"));
    const kept = withoutSkipped(checks, waivers, "el9-1", today);
    const audit = kept.find((c) => c.id === "cis.1.1.3");
    assert.deepEqual(audit?.facts, [], "no probe for it");
    const [judged] = judgeChecks(audit ? [audit] : [], new FactSet(new Map()));
    const [skipped] = noteWaivers(
      [judgeWithWaivers(waivers, today)("el9-1", judged!)],
      waivers,
      "el9-1",
      today,
    );
    assert.equal(effectiveStatus(skipped!), "waived");
    assert.equal(skipped?.waiver?.notRun, true);
    assert.match(skipped?.message ?? "", /^not run: waived until 2099-12-31/);
    const live = kept.find((c) => c.id === "cis.2.15");
    assert.equal(
      live,
      checks.find((c) => c.id === "cis.2.15"),
      "others are untouched",
    );
  });

  it("a bad waivers file: every problem at once, with the file, the dot-path and the line", () => {
    const file = input("bad-waivers.yaml");
    const errors = errorsOf(() => loadWaivers(file, inventory, DRIFT));
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
    const fixed = `${input("bad-waivers.yaml")}.rules.yaml`;
    writeFileSync(
      fixed,
      `waivers:
  - check: cis.2.2x
    hosts: el9
    justification: "legacy app talks container to container"
    expires: 2099-12-31
  - check: cis.2.15
    hosts: el9-7
    justification: "accepted by the ops team"
    expires: 2026-02-30
  - check: drift.nonsense:/etc/x
    justification: "accepted by the ops team"
    expires: 2099-12-31
  - check: drift.daemon-json:/etc/docker/daemon.json
    justification: "a hand-tuned daemon.json, accepted by the ops team"
    expires: 2099-12-31
`,
    );
    try {
      assert.deepEqual(
        errorsOf(() => loadWaivers(fixed, inventory, DRIFT)).map((e) => [
          e.location.line,
          e.location.path,
          e.message,
          e.hint,
        ]),
        [
          [2, "waivers.0.check", "'cis.2.2x' names no check", "did you mean 'cis.2.2'?"],
          [
            7,
            "waivers.1.hosts",
            "hosts 'el9-7': no host or group matches 'el9-7'",
            "did you mean 'el9-1' or 'el9-2'?",
          ],
          [9, "waivers.1.expires", "'2026-02-30' is not a date", undefined],
          [
            10,
            "waivers.2.check",
            "'drift.nonsense:/etc/x' names no check",
            "ops check --list shows every check id",
          ],
        ],
      );
    } finally {
      rmSync(fixed);
    }
  });
});
