import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { createLocalKey, findLocalKeys, parsePublicKey } from "../../../src/wizard/local-keys.js";

describe("wizard/local-keys", () => {
  it("reads a public key line and its SHA256 fingerprint, the same as ssh-keygen -l prints", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keys-"));
    const made = await createLocalKey(join(dir, "id_ed25519"), "me@box");
    const listed = execFileSync("ssh-keygen", ["-lf", `${made.path}.pub`], { encoding: "utf8" }).split(
      " ",
    )[1];
    const key = parsePublicKey(`# comment\n${readFileSync(`${made.path}.pub`, "utf8")}`);
    assert.equal(key?.type, "ssh-ed25519");
    assert.equal(key?.fingerprint, listed);
    assert.equal(parsePublicKey("-----BEGIN OPENSSH PRIVATE KEY-----"), undefined);
  });

  it("finds key pairs in ~/.ssh, ed25519 first, only with both halves; makes a new one with ssh-keygen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keys-"));
    const made = await createLocalKey(join(dir, "id_rsa"), "me@box");
    assert.equal(made.type, "ssh-ed25519");
    await createLocalKey(join(dir, "id_ed25519"), "me@box");
    writeFileSync(join(dir, "id_ecdsa"), "private half only");
    writeFileSync(join(dir, "config"), "Host *\n");
    const keys = await findLocalKeys(dir);
    assert.deepEqual(
      keys.map((k) => k.path),
      [join(dir, "id_ed25519"), join(dir, "id_rsa")],
    );
    assert.match(keys[0]?.publicKey ?? "", /^ssh-ed25519 \S+ me@box$/);
    await assert.rejects(
      createLocalKey(join(dir, "id_rsa"), "x"),
      (e: unknown) => e instanceof ConfigError && /already exists/.test(e.message),
    );
    assert.deepEqual(await findLocalKeys(join(dir, "missing")), []);
  });
});
