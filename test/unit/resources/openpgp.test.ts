import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  crc24,
  dearmor,
  keyIdentity,
  normalizeFingerprint,
  readPackets,
} from "../../../src/resources/openpgp.js";

const dir = fileURLToPath(new URL("../../fixtures/resources/signing-key/", import.meta.url));
const armored = readFileSync(`${dir}test-key.asc`, "utf8");
/** What `gpg --with-colons --fingerprint` printed for the fixture key when it was generated. */
const GPG_SAYS = "E4C235FC340D6D5406594C3FA090B03F71C49531";

describe("openpgp", () => {
  it("fingerprints the armored key exactly as gpg does", () => {
    assert.deepEqual(keyIdentity(armored), {
      fingerprint: GPG_SAYS,
      keyId: "A090B03F71C49531",
      rpmKeyId: "71c49531",
    });
  });

  it("reads the binary export too, and the armor decodes to the same bytes", () => {
    const binary = readFileSync(`${dir}test-key.gpg`);
    assert.equal(keyIdentity(binary).fingerprint, GPG_SAYS);
    assert.ok(dearmor(armored).equals(binary));
  });

  it("checks the CRC24 and the armor lines", () => {
    assert.equal(crc24(Buffer.alloc(0)), 0xb704ce);
    assert.throws(() => dearmor(armored.replace(/^=.{4}$/m, "=AAAA")), /CRC24/);
    assert.throws(() => dearmor("hello"), /BEGIN PGP/);
    assert.throws(() => dearmor("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n"), /END PGP/);
  });

  it("walks old- and new-format packet lengths", () => {
    const body = Buffer.from([4, 1, 2, 3]);
    const oldOne = Buffer.concat([Buffer.from([0x98, 4]), body]); // tag 6, 1-byte length
    const oldTwo = Buffer.concat([Buffer.from([0x99, 0, 4]), body]); // tag 6, 2-byte length
    const newOne = Buffer.concat([Buffer.from([0xc6, 4]), body]);
    const newTwo = Buffer.concat([Buffer.from([0xcd, 0xc0, 0x08]), Buffer.alloc(200)]); // tag 13, 200 bytes
    const newFive = Buffer.concat([Buffer.from([0xc2, 0xff, 0, 0, 0, 2]), Buffer.from([9, 9])]);
    const packets = readPackets(Buffer.concat([oldOne, oldTwo, newOne, newTwo, newFive]));
    assert.deepEqual(
      packets.map((p) => [p.tag, p.body.length]),
      [
        [6, 4],
        [6, 4],
        [6, 4],
        [13, 200],
        [2, 2],
      ],
    );
    assert.throws(() => readPackets(Buffer.from([0x99, 0, 9, 1])), /truncated/);
    assert.throws(() => readPackets(Buffer.from([0x01])), /invalid packet header/);
  });

  it("refuses data without a v4 public key", () => {
    assert.throws(() => keyIdentity(Buffer.from([0xcd, 1, 0])), /no public key packet/);
    assert.throws(() => keyIdentity(Buffer.from([0xc6, 2, 5, 0])), /version 5 is not supported/);
  });

  it("normalizes fingerprints", () => {
    assert.equal(
      normalizeFingerprint("060a 61c5 1b55 8a7f 742b  77aa c52f eb6b 621e 9f35"),
      "060A61C51B558A7F742B77AAC52FEB6B621E9F35",
    );
  });
});
