import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendKnownHost, hostField, readKnownHosts } from "../../../src/transport/known-hosts-file.js";
import { KnownHostsFileError } from "../../../src/transport/known-hosts-read.js";
import { checkHostKey, parseKnownHosts } from "../../../src/transport/known-hosts.js";

const ED = "ssh-ed25519";
/** A wire-format blob: string("ssh-ed25519") + string(32 random bytes). */
function blob(): Buffer {
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from(ED)), str(randomBytes(32))]);
}
const keyA = blob();
const keyB = blob();
const b64 = (b: Buffer): string => b.toString("base64");
const isRoot = process.getuid?.() === 0;

/** Fails the test if any promise rejection goes unhandled while `fn` runs (and a little after). */
async function noUnhandledRejection(fn: () => Promise<void>): Promise<void> {
  const escaped: unknown[] = [];
  const listener = (reason: unknown): void => {
    escaped.push(reason);
  };
  process.on("unhandledRejection", listener);
  try {
    await fn();
    // Unhandled rejections are reported after the microtask queue drains: give them a few turns.
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("unhandledRejection", listener);
  }
  assert.deepEqual(escaped.map(String), [], "a rejection escaped unhandled");
}

describe("known_hosts file writes", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-khf-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the mode of an existing file (0644 stays 0644, 0640 stays 0640)", async () => {
    for (const mode of [0o644, 0o640]) {
      const file = join(dir, `kh-${mode.toString(8)}`);
      await writeFile(file, `web1 ${ED} ${b64(keyA)}\n`);
      await chmod(file, mode);
      await appendKnownHost(file, "web2", 22, ED, b64(keyB));
      assert.equal((await stat(file)).mode & 0o7777, mode);
      assert.equal(checkHostKey(await readKnownHosts(file), "web2", 22, ED, keyB), "match");
    }
  });

  it("keeps the owner and group of an existing file", async function () {
    if (!isRoot) this.skip(); // only root may hand a file to another user
    const file = join(dir, "known_hosts");
    await writeFile(file, `web1 ${ED} ${b64(keyA)}\n`, { mode: 0o600 });
    await chown(file, 65534, 65534);
    await appendKnownHost(file, "web2", 22, ED, b64(keyB));
    const stats = await stat(file);
    assert.deepEqual([stats.uid, stats.gid, stats.mode & 0o777], [65534, 65534, 0o600]);
  });

  it("refuses to add to a read-only (0444) file, and leaves it as it was", async () => {
    const file = join(dir, "known_hosts");
    const before = `web1 ${ED} ${b64(keyA)}\n`;
    await writeFile(file, before);
    await chmod(file, 0o444);
    await assert.rejects(appendKnownHost(file, "web2", 22, ED, b64(keyB)), (e: KnownHostsFileError) => {
      assert.ok(e instanceof KnownHostsFileError, String(e));
      assert.equal(e.message, "is read-only (mode 0444): ops does not change that");
      assert.match(e.hint ?? "", /make it writable/);
      return true;
    });
    assert.equal((await stat(file)).mode & 0o7777, 0o444);
    assert.equal(await readFile(file, "utf8"), before);
    assert.deepEqual(await readdir(dir), ["known_hosts"], "no temp file left");
  });

  it("writes through a symbolic link to its target, and the link stays a link", async () => {
    await mkdir(join(dir, "real"));
    await mkdir(join(dir, "ssh"));
    const target = join(dir, "real", "known_hosts");
    await writeFile(target, `web1 ${ED} ${b64(keyA)}\n`);
    await chmod(target, 0o640);
    const link = join(dir, "ssh", "known_hosts");
    await symlink("../real/known_hosts", link);
    await appendKnownHost(link, "web2", 2222, ED, b64(keyB));
    assert.ok((await lstat(link)).isSymbolicLink(), "the link was replaced by a regular file");
    assert.equal(await readlink(link), "../real/known_hosts");
    assert.equal((await stat(target)).mode & 0o7777, 0o640);
    assert.equal(checkHostKey(await readKnownHosts(target), "web2", 2222, ED, keyB), "match");
    assert.deepEqual(await readdir(join(dir, "real")), ["known_hosts"], "no temp file left beside it");
  });

  it("refuses a symbolic link to a missing file, and does not replace the link", async () => {
    const link = join(dir, "known_hosts");
    await symlink("nowhere/known_hosts", link);
    await assert.rejects(appendKnownHost(link, "web2", 22, ED, b64(keyB)), (e: Error) => {
      assert.equal(e.message, "is a symbolic link to nowhere/known_hosts, which does not exist");
      return true;
    });
    assert.ok((await lstat(link)).isSymbolicLink());
  });

  it("appends a hashed name when the file already hashes, and a plain one otherwise", async () => {
    const hashedFile = join(dir, "hashed");
    await writeFile(hashedFile, `${hostField("web1", 22, true)} ${ED} ${b64(keyA)}\n`);
    await appendKnownHost(hashedFile, "db.example.com", 2222, ED, b64(keyB));
    const lines = (await readFile(hashedFile, "utf8")).trim().split("\n");
    assert.equal(lines.length, 2);
    assert.match(lines[1] ?? "", /^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 /);
    assert.ok(!(lines[1] ?? "").includes("db.example.com"), "the host name must not appear");
    const entries = parseKnownHosts(lines.join("\n"));
    assert.equal(entries[1]?.hashed?.salt.length, 20, "a 20-byte salt, as ssh-keygen -H writes");
    assert.equal(checkHostKey(entries, "db.example.com", 2222, ED, keyB), "match");
    assert.equal(checkHostKey(entries, "db.example.com", 22, ED, keyB), "unknown");

    const plainFile = join(dir, "plain");
    await writeFile(plainFile, `web1 ${ED} ${b64(keyA)}\n`);
    await appendKnownHost(plainFile, "db.example.com", 2222, ED, b64(keyB));
    assert.match(await readFile(plainFile, "utf8"), /\n\[db\.example\.com\]:2222 ssh-ed25519 /);
  });

  it("turns a failed write into a rejection of that append only, never an unhandled one", async () => {
    const asDir = join(dir, "a-directory");
    await mkdir(asDir);
    const underFile = join(dir, "plain-file", "known_hosts");
    await writeFile(join(dir, "plain-file"), "");
    await noUnhandledRejection(async () => {
      await assert.rejects(appendKnownHost(asDir, "web1", 22, ED, b64(keyA)), (e: KnownHostsFileError) => {
        assert.ok(e instanceof KnownHostsFileError, String(e));
        assert.match(e.message, /is not a regular file/);
        return true;
      });
      await assert.rejects(appendKnownHost(underFile, "web1", 22, ED, b64(keyA)), (e: Error) => {
        assert.match(e.message, /a part of the path is not a directory \(ENOTDIR\)/);
        return true;
      });
      // The queue of that file goes on after a failure.
      const ok = join(dir, "ok", "known_hosts");
      await Promise.allSettled([
        appendKnownHost(asDir, "web2", 22, ED, b64(keyB)),
        appendKnownHost(ok, "web2", 22, ED, b64(keyB)),
      ]);
      assert.equal(checkHostKey(await readKnownHosts(ok), "web2", 22, ED, keyB), "match");
    });
  });
});
