import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeTransport, ok } from "../../../src/transport/fake.js";
import { INSTALL_KEY_SCRIPT, installAuthorizedKey } from "../../../src/wizard/authorized-key.js";
import { assertParses } from "../facts/support/shell.js";

/** Runs the script as a login shell would on the host, with HOME in a temp folder. */
function runAsUser(home: string, key: string) {
  const r = spawnSync("sh", ["-c", INSTALL_KEY_SCRIPT], {
    input: `${key}\n`,
    env: { HOME: home, PATH: process.env["PATH"] ?? "" },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("wizard/authorized-key", () => {
  it("parses in every shell here", () => assertParses(INSTALL_KEY_SCRIPT));

  it("appends once, by key blob, with the modes sshd wants (in a real sh)", () => {
    const home = mkdtempSync(join(tmpdir(), "ak-"));
    assert.deepEqual(runAsUser(home, "ssh-ed25519 AAAAC3NzaKEY1 me@here"), {
      code: 0,
      out: "added",
      err: "",
    });
    assert.equal(runAsUser(home, "ssh-ed25519 AAAAC3NzaKEY1 another-comment").out, "present");
    const file = join(home, ".ssh", "authorized_keys");
    assert.equal(readFileSync(file, "utf8"), "ssh-ed25519 AAAAC3NzaKEY1 me@here\n");
    assert.equal(mode(join(home, ".ssh")), "700");
    assert.equal(mode(file), "600");
  });

  it("keeps what is there: options before a key match, a last line without newline is not glued", () => {
    const home = mkdtempSync(join(tmpdir(), "ak-"));
    mkdirSync(join(home, ".ssh"), { mode: 0o755 });
    writeFileSync(join(home, ".ssh", "authorized_keys"), 'from="10.0.0.1" ssh-rsa AAAABBBB old', {
      mode: 0o644,
    });
    assert.equal(runAsUser(home, "ssh-rsa AAAABBBB new").out, "present");
    assert.equal(runAsUser(home, "ssh-ed25519 AAAACCCC x").out, "added");
    assert.equal(
      readFileSync(join(home, ".ssh", "authorized_keys"), "utf8"),
      'from="10.0.0.1" ssh-rsa AAAABBBB old\nssh-ed25519 AAAACCCC x\n',
    );
    assert.equal(mode(join(home, ".ssh")), "700");
  });

  it("refuses empty input", () => {
    const home = mkdtempSync(join(tmpdir(), "ak-"));
    const r = runAsUser(home, "");
    assert.equal(r.code, 2);
    assert.match(r.err, /no public key/);
  });

  it("sends the key on stdin as the login user, never in the script or through sudo", async () => {
    const t = new FakeTransport("h", () => ok("added\n"), { become: true });
    assert.deepEqual(await installAuthorizedKey(t, "ssh-ed25519 AAAA me"), { status: "added" });
    assert.deepEqual(t.calls, [
      { script: INSTALL_KEY_SCRIPT, stdin: "ssh-ed25519 AAAA me\n", become: false },
    ]);
    const failing = new FakeTransport("h", () => ({
      code: 1,
      stdout: "",
      stderr: "mkdir: Permission denied",
    }));
    assert.deepEqual(await installAuthorizedKey(failing, "ssh-ed25519 AAAA me"), {
      status: "failed",
      reason: "exit 1: mkdir: Permission denied",
    });
  });
});
