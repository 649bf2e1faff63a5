import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { decryptVault, encryptVault, parseVault, VaultError } from "../../../src/vault/format.js";
import { VaultedText } from "../../../src/vault/tag.js";
import { parseYaml } from "../../../src/text/yaml-source.js";

const FIX = "test/fixtures/vault";
const PASSWORD = Buffer.from("fixture-pass");
const read = (name: string) => readFileSync(`${FIX}/${name}`, "utf8");
const plain = read("plain.yaml");

/** The vault text of an inline fixture's `!vault` value, as the YAML reader gives it. */
function inlineVault(name: string): string {
  const data = parseYaml(read(name), name).data as Record<string, unknown>;
  const value = data.registry_admin_password;
  assert.ok(value instanceof VaultedText);
  return value.text;
}

/** Flips one hex digit of the cipher text (the last line of the body). */
function tamper(text: string): string {
  const lines = text.trimEnd().split("\n");
  const last = lines[lines.length - 1] ?? "";
  const i = last.length - 3;
  lines[lines.length - 1] = last.slice(0, i) + (last[i] === "3" ? "4" : "3") + last.slice(i + 1);
  return lines.join("\n") + "\n";
}

describe("vault format: Ansible's files", function () {
  this.timeout(10_000);
  it("decrypts files ansible-vault encrypted (1.1 without a vault id, 1.2 with one)", () => {
    assert.equal(decryptVault(read("file-1.1.yaml"), PASSWORD).toString("utf8"), plain);
    const v12 = read("file-1.2-id.yaml");
    assert.equal(parseVault(v12).vaultId, "prod");
    assert.equal(parseVault(v12).version, "1.2");
    assert.equal(decryptVault(v12, PASSWORD).toString("utf8"), plain);
  });

  it("decrypts inline !vault values of both versions, and an encrypted empty file", () => {
    assert.equal(decryptVault(inlineVault("inline-1.1.yaml"), PASSWORD).toString(), "inline secret");
    assert.equal(decryptVault(inlineVault("inline-1.2-id.yaml"), PASSWORD).toString(), "inline secret");
    assert.equal(decryptVault(read("empty-1.1.vault"), PASSWORD).length, 0);
  });

  it("refuses a wrong password and a tampered vault (HMAC mismatch), before decrypting", () => {
    for (const text of [read("file-1.1.yaml"), read("file-1.2-id.yaml")]) {
      assert.throws(
        () => decryptVault(text, Buffer.from("fixture-pas")),
        (e: unknown) => e instanceof VaultError && e.reason === "password" && /HMAC mismatch/.test(e.message),
      );
      const altered = tamper(text);
      assert.notEqual(altered, text);
      assert.throws(
        () => decryptVault(altered, PASSWORD),
        (e: unknown) => e instanceof VaultError && e.reason === "password",
      );
    }
  });

  it("refuses malformed vaults with a format error, never a crash", () => {
    const cases = [
      "$ANSIBLE_VAULT;1.0;AES\n00\n",
      "$ANSIBLE_VAULT;1.1;AES128\n00\n",
      "$ANSIBLE_VAULT;1.2;AES256\n00\n",
      "$ANSIBLE_VAULT;1.1;AES256\nzz\n",
      "$ANSIBLE_VAULT;1.1;AES256\n616263\n",
      "$ANSIBLE_VAULT;1.1;AES256\n",
      "no header\n",
    ];
    for (const text of cases)
      assert.throws(
        () => decryptVault(text, PASSWORD),
        (e: unknown) => e instanceof VaultError && e.reason === "format",
        text,
      );
  });

  it("writes what Ansible writes: the header, lines of 80 hex digits, a final line break", () => {
    const salt = Buffer.alloc(32, 7);
    const text = encryptVault(Buffer.from(plain), PASSWORD, undefined, salt);
    const lines = text.split("\n");
    assert.equal(lines[0], "$ANSIBLE_VAULT;1.1;AES256");
    assert.ok(text.endsWith("\n"));
    for (const line of lines.slice(1, -2)) assert.match(line, /^[0-9a-f]{80}$/);
    assert.ok(
      encryptVault(Buffer.from("x"), PASSWORD, "prod").startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n"),
    );
    assert.throws(() => encryptVault(Buffer.from("x"), PASSWORD, "a;b"), VaultError);
  });

  it("encrypt then decrypt is the identity (property), and another password never opens it", function () {
    this.timeout(60_000); // each case derives keys three times (PBKDF2, 10,000 rounds, on purpose slow)
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.option(fc.stringMatching(/^[a-z0-9_-]{1,12}$/), { nil: undefined }),
        (bytes, password, id) => {
          const key = Buffer.from(password, "utf8");
          const text = encryptVault(Buffer.from(bytes), key, id);
          assert.deepEqual(decryptVault(text, key), Buffer.from(bytes));
          assert.equal(parseVault(text).vaultId, id);
          assert.throws(() => decryptVault(text, Buffer.concat([key, Buffer.from("x")])), VaultError);
        },
      ),
      { numRuns: 25 },
    );
  });
});
