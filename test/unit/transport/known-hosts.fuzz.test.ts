/**
 * Property tests of the known_hosts parser and host matching: any text in, no exception out, a
 * bounded time, and what ops writes is what it then matches. known_hosts is user-controlled input
 * read on every connection, so "never throws, never hangs" is part of its contract.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { hostField } from "../../../src/transport/known-hosts-file.js";
import {
  checkHostKey,
  conflictingLines,
  entryMatchesHost,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
} from "../../../src/transport/known-hosts.js";

const VERDICTS = ["match", "unknown", "changed", "revoked"];
const RUNS = { numRuns: 400 };

/** Pieces known_hosts lines are made of, so random lines reach the parser's every branch. */
const hostPattern = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^!?[a-z0-9.*?-]{0,10}$/),
  fc.stringMatching(/^\[[a-z0-9.*?]{1,8}\]:[0-9]{1,5}$/),
  fc
    .tuple(fc.base64String({ maxLength: 28 }), fc.base64String({ maxLength: 28 }))
    .map(([s, h]) => `|1|${s}|${h}`),
  fc.constantFrom("|1|", "|1||", "|2|abc|def", "*", "!*", "[", "]:22", ","),
);
const line = fc
  .tuple(
    fc.constantFrom("", "@revoked ", "@cert-authority ", "@other ", "#", " \t"),
    fc.array(hostPattern, { maxLength: 4 }).map((patterns) => patterns.join(",")),
    fc.constantFrom("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "", "x"),
    fc.oneof(fc.base64String({ maxLength: 64 }), fc.string({ maxLength: 16 })),
    fc.string({ maxLength: 8 }),
  )
  .map((parts) => parts.join(" "));
const knownHostsText = fc.oneof(
  fc.string({ maxLength: 400, unit: "binary" }),
  fc
    .array(line, { maxLength: 12 })
    .chain((lines) => fc.constantFrom("\n", "\r\n", "\n\n").map((sep) => lines.join(sep))),
);
const hostName = fc.oneof(fc.string({ maxLength: 30, unit: "binary" }), fc.domain(), fc.ipV4(), fc.ipV6());
const port = fc.oneof(fc.constant(22), fc.integer({ min: 1, max: 65535 }));
const keyBlob = fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes));

describe("known_hosts parsing and matching (property tests)", function () {
  this.timeout(60_000);

  it("parses any text without throwing, and only keeps lines with a key", () => {
    fc.assert(
      fc.property(knownHostsText, (text) => {
        const entries = parseKnownHosts(text);
        const lines = text.split(/\r?\n/).length;
        for (const entry of entries) {
          assert.ok(entry.key.length > 0);
          assert.ok(entry.line >= 1 && entry.line <= lines);
          assert.match(entry.keyType, /^\S+$/);
          assert.ok(entry.patterns.every((pattern) => pattern !== "" && !/\s|,/.test(pattern)));
        }
      }),
      RUNS,
    );
  });

  it("answers every host lookup with a verdict, without throwing, in bounded time", () => {
    fc.assert(
      fc.property(knownHostsText, hostName, port, keyBlob, (text, host, p, key) => {
        const started = Date.now();
        const entries = parseKnownHosts(text);
        const type = keyTypeOf(key);
        assert.ok(VERDICTS.includes(checkHostKey(entries, host, p, type, key)));
        assert.ok(Array.isArray(knownKeyTypes(entries, host, p)));
        assert.ok(Array.isArray(conflictingLines(entries, host, p, type)));
        assert.ok(Date.now() - started < 1000, "one lookup took more than a second");
      }),
      RUNS,
    );
  });

  it("matches what it writes, plain or hashed, for any host name and port", () => {
    const writable = fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/);
    fc.assert(
      fc.property(writable, port, fc.boolean(), keyBlob, (host, p, hashed, key) => {
        fc.pre(key.length > 0);
        const entries = parseKnownHosts(
          `${hostField(host, p, hashed)} ssh-ed25519 ${key.toString("base64")}`,
        );
        assert.equal(entries.length, 1);
        assert.equal(entries[0]?.hashed !== undefined, hashed);
        assert.equal(checkHostKey(entries, host, p, "ssh-ed25519", key), "match");
        const other = p === 22 ? 2222 : 22;
        assert.equal(entryMatchesHost(entries[0]!, host, other), false, "another port is another host");
      }),
      RUNS,
    );
  });

  // The wildcard matcher once compiled `*` to `.*` in a backtracking RegExp: seconds at 5 stars,
  // minutes at 10. The shared glob walk (src/text/glob.ts) cannot backtrack exponentially.
  it("matches a wildcard-heavy pattern in linear time (catastrophic backtracking)", () => {
    const [entry] = parseKnownHosts(`${"*a".repeat(20)}*b ssh-ed25519 AAAAC3NzaC1lZDI1NTE5`);
    const started = Date.now();
    assert.equal(entryMatchesHost(entry!, "a".repeat(200), 22), false);
    assert.ok(Date.now() - started < 100);
  });
});
