import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendKnownHost, readKnownHosts } from "../../../src/transport/known-hosts-file.js";
import {
  checkHostKey,
  fingerprint,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
} from "../../../src/transport/known-hosts.js";

/** An SSH wire-format key blob: string(type) + string(random bytes); enough for equality checks. */
function blob(type: string): Buffer {
  const str = (b: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  return Buffer.concat([str(Buffer.from(type)), str(randomBytes(32))]);
}

const ED = "ssh-ed25519";
const keyA = blob(ED);
const keyB = blob(ED);
const rsa = blob("ssh-rsa");
const b64 = (b: Buffer): string => b.toString("base64");

function hashed(name: string): string {
  const salt = randomBytes(20);
  const hash = createHmac("sha1", salt).update(name).digest();
  return `|1|${salt.toString("base64")}|${hash.toString("base64")}`;
}

describe("known_hosts", () => {
  it("reads the key type from a blob and prints an OpenSSH fingerprint", () => {
    assert.equal(keyTypeOf(keyA), ED);
    assert.match(fingerprint(keyA), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it("matches a plain host in a comma-separated list", () => {
    const entries = parseKnownHosts(`# comment\n\nweb1,10.0.0.5 ${ED} ${b64(keyA)} root@web1\n`);
    assert.equal(checkHostKey(entries, "10.0.0.5", 22, ED, keyA), "match");
    assert.equal(checkHostKey(entries, "WEB1", 22, ED, keyA), "match", "host names are case-insensitive");
    assert.equal(checkHostKey(entries, "10.0.0.6", 22, ED, keyA), "unknown");
  });

  it("says changed when the host presents another key of a type it is known by", () => {
    const entries = parseKnownHosts(`10.0.0.5 ${ED} ${b64(keyA)}\n`);
    assert.equal(checkHostKey(entries, "10.0.0.5", 22, ED, keyB), "changed");
    assert.equal(
      checkHostKey(entries, "10.0.0.5", 22, "ssh-rsa", rsa),
      "unknown",
      "another type is not a change",
    );
    assert.deepEqual(knownKeyTypes(entries, "10.0.0.5", 22), [ED]);
  });

  it("uses [host]:port for ports other than 22, and only those", () => {
    const entries = parseKnownHosts(`[10.0.0.5]:2222 ${ED} ${b64(keyA)}\n10.0.0.5 ${ED} ${b64(keyB)}\n`);
    assert.equal(checkHostKey(entries, "10.0.0.5", 2222, ED, keyA), "match");
    assert.equal(checkHostKey(entries, "10.0.0.5", 2222, ED, keyB), "changed");
    assert.equal(checkHostKey(entries, "10.0.0.5", 22, ED, keyB), "match");
    assert.equal(checkHostKey(entries, "10.0.0.5", 2200, ED, keyA), "unknown");
  });

  it("matches hashed entries (HMAC-SHA1 of the name, keyed by the salt)", () => {
    const text = `${hashed("db.example.com")} ${ED} ${b64(keyA)}\n${hashed("[db.example.com]:2222")} ${ED} ${b64(keyB)}\n`;
    const entries = parseKnownHosts(text);
    assert.equal(checkHostKey(entries, "db.example.com", 22, ED, keyA), "match");
    assert.equal(checkHostKey(entries, "db.example.com", 2222, ED, keyB), "match");
    assert.equal(checkHostKey(entries, "db.example.com", 22, ED, keyB), "changed");
    assert.equal(checkHostKey(entries, "other.example.com", 22, ED, keyA), "unknown");
  });

  it("honours * and ? wildcards and ! negation", () => {
    const entries = parseKnownHosts(`*.lab.example,!bad.lab.example,10.0.0.? ${ED} ${b64(keyA)}\n`);
    assert.equal(checkHostKey(entries, "web3.lab.example", 22, ED, keyA), "match");
    assert.equal(checkHostKey(entries, "10.0.0.7", 22, ED, keyA), "match");
    assert.equal(checkHostKey(entries, "10.0.0.70", 22, ED, keyA), "unknown", "? is one character");
    assert.equal(checkHostKey(entries, "bad.lab.example", 22, ED, keyA), "unknown", "negation wins");
    assert.equal(checkHostKey(entries, "lab.example", 22, ED, keyA), "unknown");
  });

  it("refuses a @revoked key even when another line trusts it, and ignores @cert-authority", () => {
    const text = [
      `10.0.0.5 ${ED} ${b64(keyA)}`,
      `@revoked * ${ED} ${b64(keyA)}`,
      `@cert-authority 10.0.0.6 ${ED} ${b64(keyB)}`,
      `@unknown-marker 10.0.0.6 ${ED} ${b64(keyB)}`,
      `garbage-line-without-key`,
    ].join("\n");
    const entries = parseKnownHosts(text);
    assert.equal(entries.length, 3);
    assert.equal(checkHostKey(entries, "10.0.0.5", 22, ED, keyA), "revoked");
    assert.equal(checkHostKey(entries, "10.0.0.6", 22, ED, keyB), "unknown");
  });

  it("appends atomically, creating the file 0600, and keeps what was there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ops-kh-"));
    try {
      const file = join(dir, "ssh", "known_hosts");
      await Promise.all([
        appendKnownHost(file, "10.0.0.5", 22, ED, b64(keyA)),
        appendKnownHost(file, "10.0.0.6", 2222, ED, b64(keyB)),
      ]);
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const entries = await readKnownHosts(file);
      assert.equal(checkHostKey(entries, "10.0.0.5", 22, ED, keyA), "match");
      assert.equal(checkHostKey(entries, "10.0.0.6", 2222, ED, keyB), "match");

      const other = join(dir, "existing");
      await writeFile(other, `web1 ${ED} ${b64(keyA)}`); // no final newline
      await appendKnownHost(other, "web2", 22, ED, b64(keyB));
      assert.equal(await readFile(other, "utf8"), `web1 ${ED} ${b64(keyA)}\nweb2 ${ED} ${b64(keyB)}\n`);
      assert.deepEqual(await readKnownHosts(join(dir, "missing")), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
