import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { loadInventory } from "../../../src/inventory/load.js";
import { createKeyring, fixedPassword } from "../../../src/vault/keyring.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { registryFiles } from "../../../src/wizard/registry-files.js";
import { registryStep } from "../../../src/wizard/registry-step.js";
import { writeFilesAtomically } from "../../../src/wizard/write-files.js";
import { accept, answer, down, enter, scriptedPrompts } from "./support/prompts.js";

function site() {
  const root = mkdtempSync(join(tmpdir(), "ops-init-reg-"));
  const inventoryDir = join(root, "inventory");
  const home = join(root, "home");
  mkdirSync(inventoryDir);
  mkdirSync(home);
  writeFileSync(
    join(inventoryDir, "hosts.yaml"),
    "all:\n  children:\n    registry:\n      hosts:\n        el9-1:\n",
  );
  return { inventoryDir, home, said: [] as string[] };
}

const ctxOf = (s: ReturnType<typeof site>) => ({
  canDeploy: true,
  hostNames: ["el9-1", "el9-2"],
  accounts: { inventoryDir: s.inventoryDir, home: s.home, say: (l: string) => void s.said.push(l) },
});

describe("wizard: the registry it deploys gets an admin, a project and a pusher", function () {
  this.timeout(20_000);

  it("at a terminal: passwords hidden and typed twice, kept as vault values; the password file made 0600 outside the inventory", async () => {
    const s = site();
    const prompts = scriptedPrompts([
      { expect: /A private registry/, keys: [down, down, enter] },
      accept(/Which host runs the registry/),
      accept(/The registry's name/),
      accept(/Admin account/),
      answer(/Password of admin/, "admin-Pw-123"),
      answer(/The same again/, "admin-Pw-124"),
      answer(/Password of admin/, "short"),
      answer(/Password of admin/, "admin-Pw-123"),
      answer(/The same again/, "admin-Pw-123"),
      accept(/A first project/),
      answer(/Who may push to team/, "dev"),
      answer(/Password of dev/, "dev-Pw-98765"),
      answer(/The same again/, "dev-Pw-98765"),
      accept(/vault-encrypted/),
      accept(/Vault password file/),
    ]);
    const result = await registryStep(terminalAsk(prompts.prompts), ctxOf(s));
    assert.deepEqual(s.said, ["  the two differ: again", "  at least 8 characters: again"]);
    const accounts = result.accounts;
    assert.ok(accounts?.vault?.create);
    assert.equal(accounts.vault.passwordFile, join(s.home, ".config", "ops", "vault-pass"));
    const files = registryFiles(accounts, s.inventoryDir, "2026-12-07");
    await writeFilesAtomically(files);
    const vars = readFileSync(join(s.inventoryDir, "group_vars", "registry.yml"), "utf8");
    for (const clear of ["admin-Pw-123", "dev-Pw-98765"])
      assert.ok(!vars.includes(clear), `${clear} in clear`);
    assert.equal(statSync(accounts.vault.passwordFile).mode & 0o777, 0o600);
    // What ops reads back with that password: the accounts and the project, the pusher a developer.
    const password = readFileSync(accounts.vault.passwordFile, "utf8").trim();
    const inv = await loadInventory(join(s.inventoryDir, "hosts.yaml"), {
      vault: createKeyring([fixedPassword(password)]),
    });
    assert.deepEqual(inv.hosts[0]?.vars.registry_users, [
      { name: "admin", admin: true, password: "admin-Pw-123" },
      { name: "dev", password: "dev-Pw-98765" },
    ]);
    assert.deepEqual(inv.hosts[0]?.vars.registry_projects, [
      { name: "team", members: [{ user: "dev", role: "developer" }] },
    ]);
  });

  it("from an answers file with password_env, declining the vault: a 0600 file .gitignore names", async () => {
    const s = site();
    writeFileSync(join(s.inventoryDir, ".gitignore"), "*.retry\n");
    const ask = fileAsk(
      parseAnswers(
        "registry:\n  kind: deploy\n  host: el9-2\n  hostname: reg.example\n  admin:\n    name: boss\n    password_env: ADMIN_PW\n  project:\n    name: apps\n    pusher: ci\n    password_env: CI_PW\n  vault: false\n",
        "a.yaml",
      ),
      { env: { ADMIN_PW: "boss-Pw-5551", CI_PW: "ci-Pw-77777" }, log: () => undefined },
    );
    const result = await registryStep(ask, ctxOf(s));
    assert.equal(result.deployHost, "el9-2");
    assert.deepEqual(
      result.vars.map((v) => [v.name, v.value]),
      [["registry_hostname", "reg.example"]],
    );
    assert.ok(result.accounts && result.accounts.vault === undefined);
    await writeFilesAtomically(registryFiles(result.accounts, s.inventoryDir, "2026-12-07"));
    const file = join(s.inventoryDir, "group_vars", "registry.yml");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, "utf8"), /password: "boss-Pw-5551"/);
    assert.equal(
      readFileSync(join(s.inventoryDir, ".gitignore"), "utf8"),
      "*.retry\n# passwords in clear, written by ops init\ngroup_vars/registry.yml\n",
    );
  });

  it("a short password in an answers file is an error naming the question; a vault file inside the inventory needs a yes", async () => {
    const s = site();
    const short = fileAsk(
      parseAnswers("registry:\n  kind: deploy\n  admin:\n    password: short\n", "a.yaml"),
      { env: {}, log: () => undefined },
    );
    await assert.rejects(
      registryStep(short, ctxOf(s)),
      (e: unknown) => e instanceof ConfigError && /registry\.admin\.password: at least 8/.test(e.message),
    );
    const inside = fileAsk(
      parseAnswers(
        `registry:\n  kind: deploy\n  admin:\n    password: long-enough-1\n  vault_password_file: ${join(s.inventoryDir, "vault-pass")}\n  vault_password_file_in_inventory: true\n`,
        "a.yaml",
      ),
      { env: {}, log: () => undefined },
    );
    const result = await registryStep(inside, ctxOf(s));
    assert.equal(result.accounts?.vault?.passwordFile, join(s.inventoryDir, "vault-pass"));
  });
});
