import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { vaultCommand } from "../../../src/cli/vault-command.js";
import { decryptVault, encryptVault, parseVault } from "../../../src/vault/format.js";

const PASS = "edit-pass-1";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "ops-vault-cmd-"));
  const pass = join(dir, "pass");
  writeFileSync(pass, `${PASS}\n`, { mode: 0o600 });
  const file = join(dir, "secrets.yml");
  writeFileSync(file, encryptVault(Buffer.from("pw: old-secret\n"), Buffer.from(PASS), "prod"), {
    mode: 0o640,
  });
  /** An editor script: records the path it got and its mode, then runs `body` on it. */
  const editor = (body: string) => {
    const script = join(dir, "editor.sh");
    writeFileSync(script, `#!/bin/sh\necho "$1" > ${dir}/seen\nstat -c %a "$1" >> ${dir}/seen\n${body}\n`);
    chmodSync(script, 0o755);
    return script;
  };
  const seen = () => readFileSync(join(dir, "seen"), "utf8").trim().split("\n");
  return { dir, pass, file, editor, seen };
}

const io = (env: NodeJS.ProcessEnv, out: string[] = []) => ({
  write: (t: string) => void out.push(t),
  readSecret: async () => "",
  env,
});

describe("ops vault edit: a 0600 temporary file, removed afterwards", function () {
  this.timeout(30_000);

  it("re-encrypts the edit with the same vault id and password, keeps the mode, removes the clear text", async () => {
    const { pass, file, editor, seen } = setup();
    const script = editor(`sed -i s/old-secret/new-secret/ "$1"`);
    await vaultCommand("edit", [file], { vaultPasswordFile: [pass] }, io({ EDITOR: script }));
    const [temp, mode] = seen();
    assert.equal(mode, "600");
    assert.ok(temp && !existsSync(temp), "the temporary file is gone");
    const text = readFileSync(file, "utf8");
    assert.equal(parseVault(text).vaultId, "prod");
    assert.equal(decryptVault(text, Buffer.from(PASS)).toString(), "pw: new-secret\n");
    assert.equal(statSync(file).mode & 0o777, 0o640);
  });

  it("an editor that fails leaves the vault as it was, and no clear text behind", async () => {
    const { pass, file, editor, seen } = setup();
    const before = readFileSync(file, "utf8");
    const script = editor(`echo changed > "$1"; exit 3`);
    await assert.rejects(
      vaultCommand("edit", [file], { vaultPasswordFile: [pass] }, io({ EDITOR: script })),
      (e: unknown) => e instanceof ConfigError && /exited with 3/.test(e.message),
    );
    assert.equal(readFileSync(file, "utf8"), before);
    assert.ok(!existsSync(seen()[0] ?? "/"));
  });

  it("SIGTERM while the editor is open: exit 130 and the clear text is removed", async () => {
    const { dir, pass, file, editor, seen } = setup();
    const script = editor(`touch ${dir}/ready; sleep 30`);
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("./src/cli/main.ts").then(async (m) => { process.exitCode = await m.main(process.argv.slice(0, 1).concat(["x", "vault", "edit", ${JSON.stringify(file)}, "--vault-password-file", ${JSON.stringify(pass)}])) })`,
      ],
      { env: { ...process.env, EDITOR: script }, stdio: "ignore", detached: false },
    );
    const ready = join(dir, "ready");
    for (let i = 0; i < 200 && !existsSync(ready); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(existsSync(ready), "the editor started");
    const temp = seen()[0] ?? "";
    assert.ok(existsSync(temp));
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    assert.equal(code, 130);
    assert.ok(!existsSync(temp), "the clear text is gone");
  });

  it("view and decrypt open an Ansible file; encrypt refuses a file already encrypted", async () => {
    const { pass, file } = setup();
    const out: string[] = [];
    await vaultCommand("view", [file], { vaultPasswordFile: [pass] }, io({}, out));
    assert.equal(out.join(""), "pw: old-secret\n");
    await assert.rejects(
      vaultCommand("encrypt", [file], { vaultPasswordFile: [pass] }, io({})),
      (e: unknown) => e instanceof ConfigError && /already vault-encrypted/.test(e.message),
    );
    await vaultCommand("decrypt", [file], { vaultPasswordFile: [pass] }, io({}));
    assert.equal(readFileSync(file, "utf8"), "pw: old-secret\n");
  });

  it("a password file that is executable is run, and what it prints is the password", async () => {
    const { dir, file } = setup();
    const script = join(dir, "pass.sh");
    writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' '${PASS}'\n`);
    chmodSync(script, 0o700);
    const out: string[] = [];
    await vaultCommand("view", [file], { vaultPasswordFile: [script] }, io({}, out));
    assert.equal(out.join(""), "pw: old-secret\n");
  });
});
