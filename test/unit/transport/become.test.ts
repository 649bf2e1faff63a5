import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { BecomeError, ConnectError } from "../../../src/errors.js";
import { becomeFailure, buildBecome } from "../../../src/transport/become.js";
import { LocalTransport } from "../../../src/transport/local.js";

/**
 * A stand-in for sudo: in "password" mode it reads one line from stdin with sh's `read` (byte by
 * byte, like sudo's own reader) and checks it; in "nopasswd" mode it reads nothing. Either way it
 * then runs the command after `--`, which proves the marker protocol against a real sh.
 */
const FAKE_SUDO = `#!/bin/sh
nonint=no
while [ $# -gt 0 ]; do
  case "$1" in
    -n) nonint=yes ;;
    -p) shift ;;
    --) shift; break ;;
  esac
  shift
done
echo "$*" > "$FAKE_SUDO_ARGS"
if [ "$FAKE_SUDO_MODE" = requiretty ]; then echo "sudo: sorry, you must have a tty to run sudo" >&2; exit 1; fi
if [ "$FAKE_SUDO_MODE" = notsudoer ]; then echo "$(id -un) is not in the sudoers file.  This incident will be reported." >&2; exit 1; fi
if [ "$FAKE_SUDO_MODE" = password ]; then
  if [ $nonint = yes ]; then echo "sudo: a password is required" >&2; exit 1; fi
  IFS= read -r pw
  if [ "$pw" != "$FAKE_SUDO_PASSWORD" ]; then
    echo "Sorry, try again." >&2; echo "sudo: 1 incorrect password attempt" >&2; exit 1
  fi
fi
exec "$@"
`;

const PASSWORD = "s3cret 'with' $pecial chars";
const PAYLOAD =
  "line one\nline two with the marker-like __ops_become_x__\n\x00binary\xff tail without newline";

describe("become", () => {
  let dir = "";
  const local = (mode: string, password?: string, isRoot = false): LocalTransport =>
    new LocalTransport("local", {
      become: true,
      isRoot,
      ...(password === undefined ? {} : { becomePassword: password }),
      env: {
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        FAKE_SUDO_MODE: mode,
        FAKE_SUDO_PASSWORD: PASSWORD,
        FAKE_SUDO_ARGS: join(dir, "args"),
      },
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-become-"));
    await writeFile(join(dir, "sudo"), FAKE_SUDO);
    await chmod(join(dir, "sudo"), 0o755);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("a staged command through sudo with a password: neither stage sees the password", async () => {
    const t = local("password", PASSWORD);
    const r = await t.execStaged("cat; echo first", (out) => `cat; echo "second after ${out.trim()}"`);
    assert.equal(r.firstStdout, "first\n");
    assert.equal(r.stdout, "second after first\n");
    assert.equal(r.code, 0);
    assert.equal(t.commandCount, 1);
  });

  it("builds plain sh -c without become or as root, sudo -n without a password", () => {
    assert.deepEqual(buildBecome({ script: "id -u", become: false, isRoot: false }).argv, [
      "sh",
      "-c",
      "id -u",
    ]);
    assert.deepEqual(buildBecome({ script: "id -u", become: true, isRoot: true, password: "x" }).argv, [
      "sh",
      "-c",
      "id -u",
    ]);
    const nopw = buildBecome({ script: "id -u", become: true, isRoot: false, stdin: "in" });
    assert.deepEqual(nopw.argv, ["sudo", "-n", "-H", "--", "sh", "-c", "id -u"]);
    assert.equal(nopw.stdin?.toString(), "in");
  });

  it("puts the password on stdin before a random marker, never in argv", () => {
    const a = buildBecome({ script: "id -u", become: true, isRoot: false, password: PASSWORD });
    const b = buildBecome({ script: "id -u", become: true, isRoot: false, password: PASSWORD });
    assert.ok(!a.argv.join(" ").includes(PASSWORD));
    assert.deepEqual(a.argv.slice(0, 8), ["sudo", "-S", "-p", "", "-H", "--", "sh", "-c"]);
    const [pw, marker] = (a.stdin?.toString() ?? "").split("\n");
    assert.equal(pw, PASSWORD);
    assert.match(marker ?? "", /^__ops_become_[0-9a-f]{32}__$/);
    assert.notEqual(marker, (b.stdin?.toString() ?? "").split("\n")[1], "the marker differs per call");
    assert.throws(
      () => buildBecome({ script: "", become: true, isRoot: false, password: "a\nb" }),
      /line break/,
    );
  });

  it("passes stdin through intact when sudo asks for the password", async () => {
    const r = await local("password", PASSWORD).exec("cat; echo; id -u >/dev/null && echo ran", {
      stdin: PAYLOAD,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${PAYLOAD}\nran\n`);
    const argv = await readFile(join(dir, "args"), "utf8");
    assert.match(argv, /^sh -c while IFS= read -r ops_line/);
    assert.ok(!argv.includes("s3cret"), "the password never reaches a command line");
  });

  it("pipes a stream to the script byte-exact, after the password lines, in many chunks", async () => {
    // 3 MiB of every byte value in 64 KiB chunks: more than one pipe buffer, so it really streams.
    const chunk = Buffer.from(Array.from({ length: 65536 }, (_, i) => i % 256));
    const chunks = Array.from({ length: 48 }, () => chunk);
    const r = await local("password", PASSWORD).exec("sha256sum | cut -d' ' -f1; wc -c | tr -d ' '", {
      stdin: Readable.from(chunks),
    });
    assert.equal(r.code, 0, r.stderr);
    const { createHash } = await import("node:crypto");
    const want = createHash("sha256").update(Buffer.concat(chunks)).digest("hex");
    assert.equal(r.stdout.split("\n")[0], want);
    const plain = await local("nopasswd").exec("wc -c", { stdin: Readable.from(chunks) });
    assert.equal(plain.stdout.trim(), String(48 * 65536));
  });

  it("drops the password line when sudo does not ask (NOPASSWD or a cached timestamp)", async () => {
    const r = await local("nopasswd", PASSWORD).exec("cat", { stdin: PAYLOAD });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, PAYLOAD);
    assert.ok(!r.stdout.includes("s3cret"));
  });

  it("works with no stdin at all, and keeps the script's exit code", async () => {
    const r = await local("password", PASSWORD).exec("cat; exit 3");
    assert.deepEqual(r, { code: 3, stdout: "", stderr: "" });
  });

  it("fails fast with a clear error when sudo wants a password we do not have", async () => {
    await assert.rejects(local("password").exec("true"), (e: BecomeError) => {
      assert.ok(e instanceof BecomeError, String(e));
      assert.ok(!(e instanceof ConnectError), "a reached host is not unreachable");
      assert.equal(e.kind, "become");
      assert.equal(e.message, "sudo needs a password: set ansible_become_password");
      return true;
    });
  });

  it("reports a wrong password without the password", async () => {
    await assert.rejects(local("password", "wrong-pw").exec("true"), (e: BecomeError) => {
      assert.ok(e instanceof BecomeError, String(e));
      assert.equal(e.host, "local");
      assert.equal(e.message, "sudo refused the become password");
      assert.ok(!`${e.message} ${e.hint ?? ""}`.includes("wrong-pw"));
      return true;
    });
  });

  it("reports requiretty and a user not in sudoers as sudo's refusals, not step failures", async () => {
    await assert.rejects(local("requiretty", PASSWORD).exec("true"), (e: BecomeError) => {
      assert.ok(e instanceof BecomeError, String(e));
      assert.equal(e.message, "sudo requires a terminal for this user (requiretty)");
      assert.match(e.hint ?? "", /!requiretty/);
      return true;
    });
    await assert.rejects(local("notsudoer").exec("true"), (e: BecomeError) => {
      assert.ok(e instanceof BecomeError, String(e));
      assert.equal(e.message, "the user may not run commands as root through sudo");
      return true;
    });
  });

  it("skips sudo when become is off for the call or the user is root", async () => {
    const asRoot = await local("password", undefined, true).exec("echo hi");
    assert.equal(asRoot.stdout, "hi\n");
    const off = await local("password").exec("echo off", { become: false });
    assert.equal(off.stdout, "off\n");
  });

  it("does not mistake a script's own failure for sudo's", () => {
    const cmd = buildBecome({ script: "x", become: true, isRoot: false });
    assert.equal(
      becomeFailure(cmd, { code: 1, stdout: "", stderr: "rpm: not installed\nSorry, try again." }),
      undefined,
    );
    const plain = buildBecome({ script: "x", become: false, isRoot: false });
    assert.equal(
      becomeFailure(plain, { code: 1, stdout: "", stderr: "sudo: a password is required" }),
      undefined,
    );
  });
});
