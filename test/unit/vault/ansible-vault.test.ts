/**
 * The real ansible-vault (Debian's ansible, installed by test/lab/prereqs.sh) against ops, both
 * ways: what one encrypts, the other opens. Not skipped when ansible is missing: a proof that did
 * not run is not a proof.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decryptVault, encryptVault } from "../../../src/vault/format.js";
import { vaultEncryptString } from "../../../src/cli/vault-command.js";

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, {
    encoding: "utf8",
    env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });

describe("ansible-vault and ops open each other's vaults", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "ops-ansible-vault-"));
  const pass = join(dir, "pass");
  const clear = "registry_admin_password: 'pässword with spaces: and # signs'\nother: [1, 2]\n";
  before(() => {
    writeFileSync(pass, "live-pass-42\n", { mode: 0o600 });
    assert.match(
      run("ansible-vault", ["--version"]),
      /ansible-vault \[core /,
      "install ansible: test/lab/prereqs.sh",
    );
  });

  for (const id of [undefined, "prod"]) {
    const label = id ? `1.2 with vault id ${id}` : "1.1";
    it(`ops encrypts (${label}), ansible-vault decrypts`, () => {
      const file = join(dir, `ops-${id ?? "none"}.yaml`);
      writeFileSync(file, encryptVault(Buffer.from(clear), Buffer.from("live-pass-42"), id));
      const secretArg = id ? ["--vault-id", `${id}@${pass}`] : ["--vault-password-file", pass];
      assert.equal(run("ansible-vault", ["view", ...secretArg, file]), clear);
    });

    it(`ansible-vault encrypts (${label}), ops decrypts`, () => {
      const file = join(dir, `ansible-${id ?? "none"}.yaml`);
      writeFileSync(file, clear);
      const secretArg = id ? ["--vault-id", `${id}@${pass}`] : ["--vault-password-file", pass];
      run("ansible-vault", ["encrypt", ...secretArg, file]);
      const text = readFileSync(file, "utf8");
      assert.ok(text.startsWith(id ? `$ANSIBLE_VAULT;1.2;AES256;${id}\n` : "$ANSIBLE_VAULT;1.1;AES256\n"));
      assert.equal(decryptVault(text, Buffer.from("live-pass-42")).toString("utf8"), clear);
    });
  }

  it("ops vault encrypt-string's output is a !vault value Ansible reads as a variable", async () => {
    let out = "";
    await vaultEncryptString(
      { name: "pw", vaultPasswordFile: [pass] },
      { write: (t) => (out += t), readSecret: async () => "inline: pässword", env: {} },
    );
    const vars = join(dir, "inline.yaml");
    writeFileSync(vars, out);
    const shown = run("ansible", [
      "localhost",
      "-c",
      "local",
      "-i",
      "localhost,",
      "-m",
      "debug",
      "-a",
      "var=pw",
      "-e",
      `@${vars}`,
      "--vault-password-file",
      pass,
    ]);
    assert.match(shown, /"pw": "inline: pässword"/);
  });
});
