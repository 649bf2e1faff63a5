import { strict as assert } from "node:assert";
import { fileURLToPath } from "node:url";
import { driftPlaybooks, loadDrift } from "../../../src/cli/check-command.js";
import { loadInventory } from "../../../src/inventory/load.js";
import { namesKnownCheck } from "../../../src/compliance/check-ids.js";

const LAB = fileURLToPath(new URL("../../fixtures/inventory/lab/hosts.yaml", import.meta.url));
const LOCAL = fileURLToPath(new URL("../../fixtures/inventory/connection/local.yaml", import.meta.url));

describe("ops check: which playbooks' drift", function () {
  // Loading the playbooks' modules the first time takes a few seconds on a loaded machine.
  this.timeout(20_000);
  it("install-engine everywhere; deploy-registry when the inventory has a registry group", async () => {
    assert.deepEqual(driftPlaybooks(await loadInventory(LAB)), ["install-engine", "deploy-registry"]);
    assert.deepEqual(driftPlaybooks(await loadInventory(LOCAL)), ["install-engine"]);
    assert.deepEqual(driftPlaybooks(undefined), ["install-engine"]);
  });

  it("deploy-registry's drift ids depend on the run: any drift name is accepted then", async () => {
    const { driftIds } = await loadDrift(await loadInventory(LAB));
    assert.ok(namesKnownCheck("drift.directory:/opt/ops-registry", [], driftIds));
    const { driftIds: engineOnly } = await loadDrift(await loadInventory(LOCAL));
    assert.ok(!namesKnownCheck("drift.directory:/opt/ops-registry", [], engineOnly));
  });
});
