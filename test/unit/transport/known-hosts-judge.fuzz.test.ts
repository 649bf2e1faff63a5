// Property tests for known_hosts: parsing any text never throws (bad lines are skipped, as OpenSSH
// does), and judging a host against whatever was parsed never throws either.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkHostKey,
  conflictingLines,
  knownKeyTypes,
  parseKnownHosts,
} from "../../../src/transport/known-hosts.js";

const FRAGMENTS = [
  "|1|",
  "|",
  "@revoked ",
  "@cert-authority ",
  "@",
  "#",
  "[",
  "]",
  ":2222",
  ",",
  "!",
  "*",
  "?",
  " ",
  "\t",
  "\n",
  "\r\n",
  "ssh-ed25519 ",
  "AAAA",
  "AAAAC3NzaC1lZDI1NTE5",
  "=",
  "host",
  "10.0.0.5",
];
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((p) => p.join("")),
);

describe("known_hosts: property tests", function () {
  this.timeout(60_000);

  it("parseKnownHosts never throws; each entry has a type, a key and a line in range", () => {
    fc.assert(
      fc.property(text, (t) => {
        const lines = t.split(/\r?\n/).length;
        for (const e of parseKnownHosts(t)) {
          assert.ok(e.keyType.length > 0 && e.key.length > 0);
          assert.ok(e.line >= 1 && e.line <= lines);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("checkHostKey, knownKeyTypes and conflictingLines never throw on parsed entries", () => {
    fc.assert(
      fc.property(
        text,
        fc.string({ maxLength: 20 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.uint8Array({ maxLength: 40 }),
        (t, host, port, key) => {
          const entries = parseKnownHosts(t);
          const verdict = checkHostKey(entries, host, port, "ssh-ed25519", Buffer.from(key));
          assert.ok(["match", "unknown", "changed", "revoked"].includes(verdict));
          knownKeyTypes(entries, host, port);
          conflictingLines(entries, host, port, "ssh-ed25519");
        },
      ),
      { numRuns: 1000 },
    );
  });
});
