/**
 * The host key verifier as ssh2 drives it: called with the server's key blob, it answers through
 * `verify`. Fake keys and temp known_hosts files; no network.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectError } from "../../../src/errors.js";
import { readKnownHosts } from "../../../src/transport/known-hosts-file.js";
import { checkHostKey, fingerprint, type KnownHostEntry } from "../../../src/transport/known-hosts.js";
import { hostKeyCheck, type HostKeyInfo, type HostKeyPolicy } from "../../../src/transport/ssh-host-key.js";

const ED = "ssh-ed25519";
function blob(): Buffer {
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from(ED)), str(randomBytes(32))]);
}

/** Runs the verifier for `key` the way ssh2 does and resolves with its answer and refusal. */
async function present(
  file: string,
  policy: HostKeyPolicy,
  key: Buffer,
  entries?: KnownHostEntry[],
): Promise<{ valid: boolean; refusal: ConnectError | undefined }> {
  const known = entries ?? (await readKnownHosts(file));
  const check = hostKeyCheck("web1", "10.0.0.5", 2222, known, file, policy);
  const valid = await new Promise<boolean>((resolve) => check.verifier(key, resolve));
  return { valid, refusal: check.refusal() };
}

describe("host key verifier", () => {
  let dir = "";
  let file = "";
  const escaped: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    escaped.push(reason);
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ops-hk-"));
    file = join(dir, "known_hosts");
    escaped.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(async () => {
    // Let any stray rejection surface before the listener goes.
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onUnhandled);
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(escaped.map(String), [], "a rejection escaped unhandled");
  });

  it("a failed known_hosts write refuses that host with the file and the cause", async () => {
    await writeFile(file, "# read-only on purpose\n", { mode: 0o444 });
    await chmod(file, 0o444);
    const readOnly = await present(file, "accept-new", blob());
    assert.equal(readOnly.valid, false);
    assert.ok(readOnly.refusal instanceof ConnectError, String(readOnly.refusal));
    assert.equal(readOnly.refusal.host, "web1");
    assert.equal(
      readOnly.refusal.message,
      `cannot add the host key of 10.0.0.5:2222 to ${file}: is read-only (mode 0444): ops does not change that`,
    );
    assert.match(readOnly.refusal.hint ?? "", new RegExp(`ssh-keyscan -p 2222 10\\.0\\.0\\.5 >> ${file}`));

    // The file became a directory after it was read: the write fails, the host is refused.
    const asDir = join(dir, "became-a-directory");
    await mkdir(asDir);
    const { valid, refusal } = await present(asDir, "accept-new", blob(), []);
    assert.equal(valid, false);
    assert.equal(
      refusal?.message,
      `cannot add the host key of 10.0.0.5:2222 to ${asDir}: is not a regular file`,
    );
  });

  it("asks a confirmation function about a new key: true records it, false refuses", async () => {
    const asked: HostKeyInfo[] = [];
    const yes = async (info: HostKeyInfo): Promise<boolean> => {
      asked.push(info);
      return true;
    };
    const key = blob();
    assert.deepEqual(await present(file, yes, key), { valid: true, refusal: undefined });
    assert.deepEqual(asked, [
      { name: "web1", host: "10.0.0.5", port: 2222, keyType: ED, fingerprintSha256: fingerprint(key) },
    ]);
    assert.equal(checkHostKey(await readKnownHosts(file), "10.0.0.5", 2222, ED, key), "match");

    const other = join(dir, "other");
    const { valid, refusal } = await present(other, async () => false, key);
    assert.equal(valid, false);
    assert.equal(refusal?.message, `host key ${fingerprint(key)} of 10.0.0.5:2222 was not accepted`);
    await assert.rejects(readFile(other), { code: "ENOENT" }, "a declined key is not recorded");
  });

  it("never asks about a changed key, and refuses it", async () => {
    await writeFile(file, `[10.0.0.5]:2222 ${ED} ${blob().toString("base64")}\n`);
    let asked = 0;
    const { valid, refusal } = await present(
      file,
      async () => {
        asked += 1;
        return true;
      },
      blob(),
    );
    assert.equal(valid, false);
    assert.equal(asked, 0);
    assert.match(refusal?.message ?? "", /^HOST KEY CHANGED for 10\.0\.0\.5:2222/);
  });

  it("refuses the host when the confirmation itself fails", async () => {
    const { valid, refusal } = await present(file, () => Promise.reject(new Error("no terminal")), blob());
    assert.equal(valid, false);
    assert.equal(refusal?.message, "could not confirm the host key of 10.0.0.5:2222: no terminal");
  });

  it("strict refuses a new key and writes nothing", async () => {
    const { valid, refusal } = await present(file, "strict", blob());
    assert.equal(valid, false);
    assert.match(refusal?.message ?? "", /is not in/);
    await assert.rejects(readFile(file), { code: "ENOENT" });
  });
});
