import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateInventory } from "../../bench/inventory-gen.js";
import { scaleRows, type ScalePoint } from "../../bench/inventory-scale.js";
import { loadInventory } from "../../../src/inventory/load.js";

describe("bench: inventory scale", () => {
  it("generates an inventory that loads with every host, its racks, group_vars and host_vars", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-gen-"));
    try {
      const inv = await loadInventory(generateInventory(dir, 120));
      assert.equal(inv.hosts.length, 120);
      assert.deepEqual(inv.hosts[0]?.groups, ["all", "dc0", "web", "rack-0000"]);
      assert.equal(inv.groups.web?.length, 40);
      assert.equal(inv.hosts[0]?.vars.docker_remove_conflicts, false); // host_vars/node-000000.yml
      assert.deepEqual(inv.hosts[1]?.vars.registry_mirrors, ["https://mirror-0.example"]); // group_vars/dc0.yml
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("growth is CPU ratio over size ratio against the previous size of the same phase", () => {
    const point = (hosts: number, mode: "load" | "check", cpuMs: number): ScalePoint => ({
      hosts,
      mode,
      cpuMs,
      ms: cpuMs,
      peakRss: 2e8,
      baseRss: 1e8,
    });
    const rows = scaleRows([point(1000, "load", 100), point(1000, "check", 50), point(4000, "load", 1600)]);
    assert.equal(rows[0]?.[7], "");
    assert.equal(rows[2]?.[7], "4.00 (x4 hosts, x16.0 CPU)"); // quadratic
    assert.equal(rows[2]?.[6], "400 µs");
    assert.equal(rows[2]?.[5], "100.0 MB");
  });
});
