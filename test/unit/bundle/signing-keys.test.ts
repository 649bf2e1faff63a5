import assert from "node:assert/strict";
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { keyId, parseSignature, signManifest, verifyManifest } from "../../../src/bundle/signature.js";
import { keyPlaces, signingKey, trustedKeys } from "../../../src/bundle/signing-keys.js";

describe("bundle signing keys: made once on the control machine, trusted by id", () => {
  let home = "";
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "ops-bundle-keys-"));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it("lives under XDG_CONFIG_HOME, else ~/.config", () => {
    assert.equal(keyPlaces({ HOME: "/home/a" }).privateFile, "/home/a/.config/ops/bundle-signing/key.pem");
    assert.equal(
      keyPlaces({ HOME: "/home/a", XDG_CONFIG_HOME: "/cfg" }).trustedDir,
      "/cfg/ops/bundle-trusted",
    );
  });

  it("makes an ed25519 key 0600 in a 0700 folder once, with its public half; the next call reads it", async () => {
    const places = keyPlaces({ HOME: home });
    const made = await signingKey(places);
    assert.equal(made.created, true);
    assert.equal(made.key.asymmetricKeyType, "ed25519");
    assert.equal(statSync(places.privateFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(places.privateFile, "..")).mode & 0o777, 0o700);
    assert.equal(keyId(createPublicKey(readFileSync(places.publicFile, "utf8"))), made.id);
    const again = await signingKey(places);
    assert.equal(again.created, false);
    assert.equal(again.id, made.id);
    assert.deepEqual(trustedKeys(places).map(keyId), [made.id]);
  });

  it("refuses a private key others can read, and a trusted file that is not an ed25519 public key", async () => {
    const places = keyPlaces({ HOME: home });
    await signingKey(places);
    chmodSync(places.privateFile, 0o644);
    await assert.rejects(signingKey(places), /readable by other users/);
    chmodSync(places.privateFile, 0o600);
    mkdirSync(places.trustedDir, { recursive: true });
    const other = generateKeyPairSync("ed25519").publicKey;
    writeFileSync(join(places.trustedDir, "site-a.pem"), other.export({ type: "spki", format: "pem" }));
    assert.equal(trustedKeys(places).length, 2);
    writeFileSync(
      join(places.trustedDir, "rsa.pem"),
      generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }),
    );
    assert.throws(() => trustedKeys(places), /is rsa, not ed25519/);
    writeFileSync(join(places.trustedDir, "rsa.pem"), "garbage");
    assert.throws(() => trustedKeys(places), /not a PEM public key/);
  });

  it("property: a signature checks only for the very bytes it signed", () => {
    const key = generateKeyPairSync("ed25519").privateKey;
    const trusted = [createPublicKey(key)];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, at, bit) => {
          const manifest = Buffer.from(bytes);
          const sig = signManifest(manifest, key);
          assert.equal(parseSignature(sig).key, keyId(key));
          assert.equal(verifyManifest(manifest, sig, trusted), keyId(key));
          const changed = Buffer.from(manifest);
          const i = at % changed.length;
          changed[i] = (changed[i] ?? 0) ^ (1 << bit);
          assert.throws(() => verifyManifest(changed, sig, trusted), /does not match manifest\.json/);
        },
      ),
      { numRuns: 100 },
    );
  });
});
