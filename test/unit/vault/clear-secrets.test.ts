import assert from "node:assert/strict";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inventoryCheck } from "../../../src/cli/inventory-command.js";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";

/** The vaulted fixture inventory plus clear-text secrets in a host_vars file and inline. */
function inventory(): { dir: string; file: string; pass: string } {
  const dir = mkdtempSync(join(tmpdir(), "ops-clear-"));
  cpSync("test/fixtures/vault/inventory", dir, { recursive: true });
  writeFileSync(
    join(dir, "host_vars", "h2.yml"),
    'docker_version: "24.0.7"\nansible_become_password: clear-become\nregistry_proxy_cache:\n  enabled: false\n  password: clear-proxy-pw\n',
  );
  const pass = join(dir, "pass");
  writeFileSync(pass, "fixture-pass\n");
  return { dir, file: join(dir, "hosts.yaml"), pass };
}

describe("ops inventory check: secrets in clear text", function () {
  this.timeout(20_000);

  it("warns about each clear-text secret with its file and line; vaulted ones are quiet", async () => {
    const { dir, file, pass } = inventory();
    const warnings: string[] = [];
    const out: string[] = [];
    const code = await inventoryCheck(
      { inventory: file, playbook: "deploy-registry", vaultPasswordFile: [pass] },
      (t) => void out.push(t),
      (t) => void warnings.push(t),
    );
    assert.equal(code, 0);
    const h2 = join(dir, "host_vars", "h2.yml");
    assert.deepEqual(
      warnings.map((w) => w.split("\n")[0]),
      [
        `warning: ${h2}:2 (ansible_become_password): ansible_become_password holds a secret in clear text`,
        `warning: ${h2}:3 (registry_proxy_cache): registry_proxy_cache holds a secret in clear text`,
      ],
    );
    for (const w of warnings) assert.ok(!/clear-become|clear-proxy-pw/.test(w), "the value is never shown");
  });

  it("--strict-secrets makes them errors (exit 1)", async () => {
    const { file, pass } = inventory();
    await assert.rejects(
      inventoryCheck(
        { inventory: file, playbook: "deploy-registry", vaultPasswordFile: [pass], strictSecrets: true },
        () => undefined,
        () => undefined,
      ),
      (e: unknown) =>
        e instanceof ConfigErrors && e.errors.length === 2 && e.errors.every((x) => x instanceof ConfigError),
    );
  });
});
