import { strict as assert } from "node:assert";
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { CA_CERT_FILE, CA_KEY_FILE, opsCaMaterial, ownCertMaterial } from "../../../src/registry/ca-store.js";
import { createCa, signServer } from "../../../src/registry/x509.js";

const names = { dns: ["registry.lan"], ips: ["10.0.0.5"] };

describe("registry CA store", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ops-ca-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const req = (over: Partial<Parameters<typeof opsCaMaterial>[0]> = {}) => ({
    dir,
    host: "reg1",
    names,
    days: 365,
    renewDays: 30,
    check: false,
    now: new Date(),
    ...over,
  });

  it("makes the CA once, keys mode 0600, and keeps the same bytes on the next run", async () => {
    const first = await opsCaMaterial(req());
    assert.equal(first.made.length, 2);
    assert.equal(statSync(join(dir, CA_KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "ops-registry-reg1.key")).mode & 0o777, 0o600);
    const second = await opsCaMaterial(req());
    assert.deepEqual(second.made, []);
    assert.equal(second.certPem, first.certPem);
    assert.equal(second.caPem, first.caPem);
  });

  it("renews the server certificate when the address changes, keeping the CA", async () => {
    const first = await opsCaMaterial(req());
    const moved = await opsCaMaterial(req({ names: { dns: [], ips: ["10.0.0.6"] } }));
    assert.equal(moved.caPem, first.caPem);
    assert.notEqual(moved.certPem, first.certPem);
    assert.match(moved.made.join(), /does not name 10\.0\.0\.6/);
  });

  it("writes nothing in check mode", async () => {
    const m = await opsCaMaterial(req({ check: true }));
    assert.ok(m.caPem?.includes("BEGIN CERTIFICATE"));
    assert.ok(!existsSync(join(dir, CA_CERT_FILE)));
  });

  it("refuses a half CA and a key others can read, naming the file", async () => {
    await opsCaMaterial(req());
    chmodSync(join(dir, CA_KEY_FILE), 0o644);
    await assert.rejects(
      opsCaMaterial(req()),
      (e: unknown) => e instanceof ConfigError && /chmod 600/.test(e.hint ?? ""),
    );
    unlinkSync(join(dir, CA_KEY_FILE));
    await assert.rejects(
      opsCaMaterial(req()),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes("half there") &&
        e.location.file === join(dir, CA_CERT_FILE),
    );
  });

  it("checks the user's own certificate: key, names, expiry", async () => {
    const ca = await createCa("their CA", new Date());
    const own = await signServer(ca, names, new Date(), 30);
    writeFileSync(join(dir, "reg.crt"), own.certPem);
    writeFileSync(join(dir, "reg.key"), own.keyPem);
    writeFileSync(join(dir, "ca.crt"), ca.certPem);
    const base = {
      certFile: "reg.crt",
      keyFile: "reg.key",
      caFile: "ca.crt",
      baseDir: dir,
      names,
      now: new Date(),
    };
    assert.equal(ownCertMaterial(base).caPem, readFileSync(join(dir, "ca.crt"), "utf8"));
    writeFileSync(join(dir, "other.key"), ca.keyPem);
    assert.throws(() => ownCertMaterial({ ...base, keyFile: "other.key" }), /is not the key of reg\.crt/);
    assert.throws(
      () => ownCertMaterial({ ...base, names: { dns: ["x.lan"], ips: [] } }),
      /does not name x\.lan/,
    );
    assert.throws(() => ownCertMaterial({ ...base, now: new Date(Date.now() + 40 * 86_400_000) }), /expired/);
    assert.throws(() => ownCertMaterial({ ...base, certFile: "missing.crt" }), /missing\.crt does not exist/);
  });
});
