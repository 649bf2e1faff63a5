import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployRegistryVariables } from "../../../playbooks/deploy-registry.vars.js";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { VariablesSchema } from "../../../src/playbook.js";
import { resolveTargets } from "../../../src/run/targets.js";
import { loadExtraVars } from "../../../src/vars/extra.js";
import { createKeyring, type PasswordSource } from "../../../src/vault/keyring.js";

const INV = "test/fixtures/vault/inventory/hosts.yaml";
const source = (password: string, id = "default"): PasswordSource & { loads: number } => {
  const s = {
    id,
    describe: "test",
    loads: 0,
    load: async () => {
      s.loads++;
      return Buffer.from(password);
    },
  };
  return s;
};
const keyring = (password = "fixture-pass", id?: string) => createKeyring([source(password, id)]);

/** Every error of a rejected promise as [message, file, line, path]. */
async function errorsOf(
  p: Promise<unknown>,
): Promise<[string, string | undefined, number | undefined, string | undefined][]> {
  try {
    await p;
  } catch (e) {
    const list = e instanceof ConfigErrors ? e.errors : [e];
    return list.map((x) => {
      assert.ok(x instanceof ConfigError, String(x));
      return [x.message, x.location.file, x.location.line, x.location.path];
    });
  }
  return assert.fail("loaded without an error");
}

describe("vaults in inventories, group_vars, host_vars and -e @file", function () {
  this.timeout(20_000);

  it("opens inline !vault values and whole encrypted vars files; every opened value is a secret", async () => {
    const inv = await loadInventory(INV, { vault: keyring() });
    const h1 = inv.hosts.find((h) => h.name === "h1");
    assert.equal(h1?.connection.becomePassword, "become-secret-7");
    assert.equal(h1?.vars.site_admin_password, "admin-vaulted-pw");
    assert.equal(h1?.vars.registry_hostname, "reg.example");
    assert.deepEqual(h1?.vars.registry_users, [
      { name: "dev", password: "dev-vaulted-pw" },
      { name: "admin", password: "admin-vaulted-pw", admin: true },
    ]);
    for (const s of ["become-secret-7", "admin-vaulted-pw", "dev-vaulted-pw", "reg.example"])
      assert.ok(inv.vaultSecrets?.includes(s), s);
    // Where a variable came from keeps its line, in the source the user edits.
    assert.equal(h1?.varSources.site_admin_password?.line, 2);
    assert.equal(
      h1?.varSources.site_admin_password?.file,
      "test/fixtures/vault/inventory/group_vars/all.yml",
    );
  });

  it("no password: an error (exit 1) naming the vaulted value's file, dot-path and line", async () => {
    const errors = await errorsOf(loadInventory(INV));
    assert.deepEqual(
      errors.map(([m, f, l, p]) => [m.split(",")[0], f, l, p]),
      [["encrypted with ansible-vault", INV, 8, "all.children.registry.hosts.h1.ansible_become_password"]],
    );
  });

  it("a wrong password names the file and line, and a vault id's password is tried first", async () => {
    const wrong = await errorsOf(loadInventory(INV, { vault: keyring("nope") }));
    assert.match(wrong[0]?.[0] ?? "", /wrong vault password, or the vault was altered \(HMAC mismatch\)/);
    assert.equal(wrong[0]?.[2], 8);
    const other = source("nope", "other");
    const prod = source("fixture-pass", "prod");
    const inv = await loadInventory(INV, { vault: createKeyring([other, prod]) });
    assert.equal(inv.hosts.length, 2);
    assert.equal(other.loads, 1, "passwords are loaded once for the whole inventory");
  });

  it("an inventory without vaults never reads a password", async () => {
    const s = source("unused");
    await loadInventory("test/fixtures/inventory/lab/hosts.yaml", { vault: createKeyring([s]) });
    assert.equal(s.loads, 0);
  });

  it("a tampered vars file is refused with its name and line 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-vault-"));
    const text = readFileSync("test/fixtures/vault/file-1.1.yaml", "utf8");
    const file = join(dir, "vars.yaml");
    writeFileSync(
      file,
      text.replace(/0a([0-9a-f])/, (_m, d: string) => `0a${d === "3" ? "4" : "3"}`),
    );
    const errors = await errorsOf(loadExtraVars([`@${file}`], undefined, keyring()));
    assert.deepEqual(
      errors.map(([m, f, l]) => [/HMAC mismatch/.test(m), f, l]),
      [[true, file, 1]],
    );
  });

  it("-e @file: an encrypted file's values are extra vars and secrets", async () => {
    const extra = await loadExtraVars(
      ["@test/fixtures/vault/file-1.2-id.yaml"],
      undefined,
      keyring("fixture-pass", "prod"),
    );
    assert.equal(extra.vars.registry_admin_password, "s3cr3t Ünïcode: pass");
    assert.ok(extra.secrets?.includes("dev-pass-1"));
  });

  it("-e '{...}': inline !vault values (made by ansible-vault encrypt_string) are opened and are secrets; no password names -e and the key", async () => {
    const text = readFileSync("test/fixtures/vault/inline-1.1.yaml", "utf8");
    const body = text
      .split("\n")
      .slice(1)
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .join("\\n");
    const inline = `{"registry_admin_password": !vault "${body}", "docker_version": "24.0.7"}`;
    const extra = await loadExtraVars([inline], undefined, keyring());
    assert.equal(extra.vars.registry_admin_password, "inline secret");
    assert.equal(extra.vars.docker_version, "24.0.7");
    assert.deepEqual(extra.secrets, ["inline secret"]);
    assert.deepEqual(extra.sources.registry_admin_password, {
      file: "-e",
      path: "registry_admin_password",
      extra: true,
    });
    // YAML flow style too, and a later -e still wins.
    const yamlStyle = `{registry_admin_password: !vault "${body}"}`;
    const both = await loadExtraVars([yamlStyle, "registry_admin_password=clear"], undefined, keyring());
    assert.equal(both.vars.registry_admin_password, "clear");
    const errors = await errorsOf(loadExtraVars([inline], undefined, undefined));
    assert.deepEqual(
      errors.map(([m, f, , p]) => [/no vault password/.test(m), f, p]),
      [[true, "-e", "registry_admin_password"]],
    );
    const wrong = await errorsOf(loadExtraVars([inline], undefined, keyring("nope")));
    assert.match(wrong[0]?.[0] ?? "", /wrong vault password/);
  });

  it("a run's secrets hold every vaulted value, and a schema error never quotes one", async () => {
    const schema = deployRegistryVariables as unknown as VariablesSchema;
    const { secrets } = await resolveTargets({ inventoryFile: INV, schema, vault: keyring() });
    for (const s of ["become-secret-7", "admin-vaulted-pw", "dev-vaulted-pw"])
      assert.ok(secrets.includes(s), s);
    // registry_hostname is not a secret in the schema; vaulted, it is masked in the error.
    const dir = mkdtempSync(join(tmpdir(), "ops-vault-"));
    const vars = join(dir, "bad.yaml");
    const { encryptVault } = await import("../../../src/vault/format.js");
    writeFileSync(
      vars,
      encryptVault(Buffer.from("registry_port: not-a-port-Zq9\n"), Buffer.from("fixture-pass")),
    );
    const errors = await errorsOf(
      resolveTargets({ inventoryFile: INV, schema, vault: keyring(), extraVars: [`@${vars}`] }),
    );
    assert.ok(errors.length > 0);
    for (const [message] of errors) assert.ok(!message.includes("not-a-port-Zq9"), message);
  });
});
