// Property tests for the OpenPGP reader: any bytes or text in, an identity or an OpenPgpError out.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { dearmor, keyIdentity, OpenPgpError, readPackets } from "../../../src/resources/openpgp.js";

const binaryKey = readFileSync("test/fixtures/resources/signing-key/test-key.gpg");
const armored = readFileSync("test/fixtures/resources/signing-key/test-key.asc", "utf8");

function onlyOpenPgpErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof OpenPgpError)) throw new Error(`threw ${String(e)}`, { cause: e });
  }
}

/** A real key with some bytes changed, cut or added: the inputs closest to valid are the riskiest. */
const mutatedKey = fc
  .tuple(
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.nat(),
    fc.uint8Array({ maxLength: 8 }),
  )
  .map(([edits, cut, tail]) => {
    const bytes = Buffer.from(binaryKey);
    for (const [at, v] of edits) bytes[at % bytes.length] = v;
    return Buffer.concat([bytes.subarray(0, cut % (bytes.length + 1)), tail]);
  });

describe("openpgp: property tests", function () {
  this.timeout(60_000);

  it("keyIdentity(any bytes): an identity of 40 hex digits, or an OpenPgpError", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutatedKey), (bytes) => {
        onlyOpenPgpErrors(() => {
          const id = keyIdentity(Buffer.from(bytes));
          assert.match(id.fingerprint, /^[0-9A-F]{40}$/);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("keyIdentity(any text, armored or not): an identity or an OpenPgpError", () => {
    const lines = armored.split("\n");
    const mangled = fc
      .array(fc.tuple(fc.nat(), fc.string({ maxLength: 8 })), { maxLength: 4 })
      .map((edits) => {
        const copy = [...lines];
        for (const [at, s] of edits) copy[at % copy.length] = s;
        return copy.join("\n");
      });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          mangled,
          fc.string().map((s) => `-----BEGIN PGP X-----\n${s}\n-----END PGP X-----`),
        ),
        (t) => {
          onlyOpenPgpErrors(() => keyIdentity(t));
          onlyOpenPgpErrors(() => dearmor(t));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a key packet longer than a v4 fingerprint can hash is an OpenPgpError, not a RangeError", () => {
    const body = Buffer.alloc(70_000, 0);
    body[0] = 4;
    const header = Buffer.from([0xc6, 0xff, 0, 0, 0, 0]);
    header.writeUInt32BE(body.length, 2);
    assert.throws(() => keyIdentity(Buffer.concat([header, body])), OpenPgpError);
    assert.equal(readPackets(Buffer.concat([header, body]))[0]?.body.length, 70_000);
  });
});
