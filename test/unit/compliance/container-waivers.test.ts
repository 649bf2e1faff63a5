import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckOutcome } from "../../../src/checks/check.js";
import { effectiveStatus, judgeWithWaivers, noteWaivers } from "../../../src/compliance/apply-waivers.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { DEFAULT_PARAMS } from "../../../src/compliance/params.js";
import { loadWaivers } from "../../../src/compliance/waivers.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory } from "../../../src/inventory/types.js";
import { errorsOf } from "./support/errors.js";
import { factSetFor, hostProbes } from "./support/fixture-host.js";

const INVENTORY = fileURLToPath(new URL("../../fixtures/inventory/lab/hosts.yaml", import.meta.url));
const DRIFT = ["drift.preflight"];
const TODAY = "2026-05-01";

/** A check judged on the recorded lab host (containers web and tool, whose probe text is real). */
function judged(id: string): CheckOutcome {
  const check = catalog(DEFAULT_PARAMS).find((c) => c.id === id);
  assert.ok(check);
  const result = check.judge(factSetFor(check.facts, hostProbes("lab-hardened")));
  return { id, title: check.title, ...result };
}

describe("waivers for some containers (containers:)", () => {
  let inventory: Inventory;
  const dir = mkdtempSync(join(tmpdir(), "ops-container-waivers-"));
  const load = (yaml: string) => {
    const file = join(dir, `w${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return loadWaivers(file, inventory, DRIFT);
  };
  before(async () => {
    inventory = await loadInventory(INVENTORY);
  });

  it("a failure names its containers; a waiver whose pattern covers every one of them waives it", () => {
    const user = judged("cis.4.1");
    assert.equal(user.status, "fail");
    assert.deepEqual(user.subjects, ["tool"]);
    assert.match(user.message, /tool \([0-9a-f]{12}, busybox\): runs as root/);
    const waivers = load(`waivers:
  - check: cis.4.1
    containers: "to*"
    justification: "the tool image needs root until it is rebuilt (OPS-7)"
    expires: 2099-12-31
`);
    assert.equal(waivers[0]?.containers, "to*");
    const out = judgeWithWaivers(waivers, TODAY)("el9-1", user);
    assert.equal(effectiveStatus(out), "waived");
    assert.equal(noteWaivers([out], waivers, "el9-1", TODAY)[0]?.waiver?.state, "active");
  });

  it("a pattern that leaves a failing container out waives nothing, and says which it leaves out", () => {
    const failing: CheckOutcome = { ...judged("cis.5.4"), subjects: ["tool", "api"] };
    const waivers = load(`waivers:
  - check: "cis.5.*"
    containers: tool
    justification: "the tool image needs root until it is rebuilt (OPS-7)"
    expires: 2099-12-31
`);
    const out = judgeWithWaivers(waivers, TODAY)("el9-1", failing);
    assert.equal(effectiveStatus(out), "fail");
    assert.match(out.message, /covers containers tool, not api\)$/);
    // A failure that names no container is never waived by a containers pattern.
    const daemon: CheckOutcome = { ...failing, id: "cis.5.11", subjects: [] };
    assert.equal(effectiveStatus(judgeWithWaivers(waivers, TODAY)("el9-1", daemon)), "fail");
  });

  it("run: false cannot apply to some containers only: an error at the line", () => {
    const errors = errorsOf(() =>
      load(`waivers:
  - check: cis.4.1
    containers: tool
    run: false
    justification: "the tool image needs root until it is rebuilt (OPS-7)"
    expires: 2099-12-31
`),
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? "", /cannot apply to some containers only/);
    assert.equal(errors[0]?.location.path, "waivers.0.run");
  });
});
