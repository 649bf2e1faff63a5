import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import {
  checkKnownHostsFile,
  checkKnownHostsFiles,
  knownHostsFileFor,
} from "../../../src/transport/known-hosts-check.js";
import { KnownHostsFileError, readKnownHostsText } from "../../../src/transport/known-hosts-read.js";

/** Asserts a ConfigError located at `file` whose message matches `pattern`. */
function configErrorAt(file: string, pattern: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.location.file, file);
    assert.match(e.message, pattern);
    assert.ok(e.hint, "a hint says what to do");
    return true;
  };
}

describe("known_hosts checks before connecting", function () {
  this.timeout(10_000);
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-khc-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts a readable file and a missing one", async () => {
    const file = join(dir, "known_hosts");
    await writeFile(file, "web1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\n");
    await checkKnownHostsFile(file);
    await checkKnownHostsFile(join(dir, "missing"));
    assert.equal(await readKnownHostsText(join(dir, "missing")), undefined);
  });

  it("names the file when it is a directory", async () => {
    await assert.rejects(
      checkKnownHostsFile(dir),
      configErrorAt(dir, /^known_hosts file is a directory, not a regular file$/),
    );
  });

  it("refuses a FIFO at once instead of hanging on it", async () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const started = Date.now();
    await assert.rejects(checkKnownHostsFile(fifo), configErrorAt(fifo, /is a named pipe \(FIFO\)/));
    assert.ok(Date.now() - started < 2000);
  });

  it("refuses /dev/zero without reading it", async () => {
    await assert.rejects(checkKnownHostsFile("/dev/zero"), configErrorAt("/dev/zero", /is a device/));
  });

  it("stops reading past the size bound, whatever the file claims", async () => {
    const file = join(dir, "big");
    await writeFile(file, "x".repeat(1025));
    await assert.rejects(readKnownHostsText(file, 1024), (e: KnownHostsFileError) => {
      assert.ok(e instanceof KnownHostsFileError, String(e));
      assert.match(e.message, /^is larger than 1024 bytes/);
      return true;
    });
    assert.equal((await readKnownHostsText(file, 1025))?.length, 1025);
    // /proc files report size 0 but have content: the bound holds on what is read, not on stat.
    await assert.rejects(readKnownHostsText("/proc/self/maps", 16), /is larger than 16 bytes/);
  });

  it("names an unreadable file and says why (run as an unprivileged user)", async function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to become another user
    const file = join(dir, "known_hosts");
    await writeFile(file, "", { mode: 0o600 });
    await chmod(dir, 0o755);
    const module = fileURLToPath(new URL("../../../src/transport/known-hosts-check.ts", import.meta.url));
    // -e code that uses import is read as an ES module.
    const script = `import { checkKnownHostsFile } from ${JSON.stringify(module)};
      try { await checkKnownHostsFile(${JSON.stringify(file)}); console.log("accepted"); }
      catch (e) { console.log(JSON.stringify({ kind: e.kind, file: e.location.file, message: e.message })); }`;
    const out = execFileSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "--import", "tsx", "-e", script],
      { encoding: "utf8" },
    );
    assert.deepEqual(JSON.parse(out), {
      kind: "config",
      file,
      message: "known_hosts file cannot be read: permission denied",
    });
  });

  it("says why a path under a regular file cannot be read", async () => {
    await writeFile(join(dir, "plain"), "");
    const file = join(dir, "plain", "known_hosts");
    await assert.rejects(checkKnownHostsFile(file), configErrorAt(file, /a parent is not a folder/));
  });

  it("checks each distinct file of the SSH hosts once and reports every bad one", async () => {
    const good = join(dir, "good");
    await writeFile(good, "");
    const badA = join(dir, "dirA");
    const badB = join(dir, "dirB");
    await mkdir(badA);
    await mkdir(badB);
    await assert.rejects(
      checkKnownHostsFiles(
        [
          { knownHostsFile: badA },
          { knownHostsFile: badA },
          { knownHostsFile: badB },
          { knownHostsFile: good },
          { knownHostsFile: dir, transport: "local" },
        ],
        {},
      ),
      (e: ConfigErrors) => {
        assert.ok(e instanceof ConfigErrors, String(e));
        assert.deepEqual(
          e.errors.map((x) => x.location.file),
          [badA, badB],
        );
        return true;
      },
    );
    // --known-hosts wins over every host's own file.
    await checkKnownHostsFiles([{ knownHostsFile: badA }], { knownHostsFile: good });
    await assert.rejects(
      checkKnownHostsFiles([{ knownHostsFile: good }], { knownHostsFile: badB }),
      configErrorAt(badB, /is a directory/),
    );
  });

  it("finds the file the way a connection does: --known-hosts, the inventory's, then ~/.ssh", () => {
    assert.equal(knownHostsFileFor({ knownHostsFile: "/inv" }, "/cli", "/home/u"), "/cli");
    assert.equal(knownHostsFileFor({ knownHostsFile: "/inv" }, undefined, "/home/u"), "/inv");
    assert.equal(knownHostsFileFor({}, undefined, "/home/u"), "/home/u/.ssh/known_hosts");
  });
});
