import assert from "node:assert/strict";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";

const FIX = "test/fixtures/inventory/connection";

describe("loadInventory: ansible_connection", () => {
  it("local selects the local transport; ssh, smart and paramiko stay SSH", async () => {
    const inv = await loadInventory(`${FIX}/local.yaml`);
    assert.deepEqual(
      inv.hosts.map((h) => [h.name, h.connection.transport ?? "ssh"]),
      [
        ["controller", "local"],
        ["web1", "ssh"],
        ["web2", "ssh"],
      ],
    );
    assert.ok(inv.hosts.every((h) => !("ansible_connection" in h.vars) && !("connection" in h.vars)));
  });

  it("a transport ops does not have is an error naming the file, path and line", async () => {
    await assert.rejects(loadInventory(`${FIX}/winrm.yaml`), (e: unknown) => {
      const err = e instanceof ConfigErrors ? e.errors[0] : e;
      assert.ok(err instanceof ConfigError);
      assert.equal(err.location.path, "all.hosts.win1.ansible_connection");
      assert.equal(err.location.line, 4);
      return true;
    });
  });
});
