import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError } from "../../../src/errors.js";
import { MAX_EXPANDED_HOSTS, expandHostPattern, parseHostList } from "../../../src/wizard/ranges.js";

describe("wizard/ranges", () => {
  describe("expandHostPattern", () => {
    it("expands a numeric range of an IPv4 address", () => {
      assert.deepEqual(expandHostPattern("10.0.0.[8:11]"), [
        "10.0.0.8",
        "10.0.0.9",
        "10.0.0.10",
        "10.0.0.11",
      ]);
    });

    it("keeps Ansible's zero padding and its stride", () => {
      assert.deepEqual(expandHostPattern("web[08:11]"), ["web08", "web09", "web10", "web11"]);
      assert.deepEqual(expandHostPattern("n[0:20:5]"), ["n0", "n5", "n10", "n15", "n20"]);
      assert.deepEqual(expandHostPattern("n[:2]"), ["n0", "n1", "n2"]);
    });

    it("expands letters and several ranges as a product, left to right", () => {
      assert.deepEqual(expandHostPattern("db-[a:c]"), ["db-a", "db-b", "db-c"]);
      assert.deepEqual(expandHostPattern("r[1:2]-[x:y]"), ["r1-x", "r1-y", "r2-x", "r2-y"]);
    });

    it("refuses what Ansible refuses, saying why", () => {
      const cases: [string, RegExp][] = [
        ["h[5:1]", /begin is after the end/],
        ["h[01:5]", /same width/],
        ["h[1:]", /no end/],
        ["h[a:5]", /numbers .* or single letters/],
        ["h[1:5:0]", /step/],
        ["h[1]", /not a range/],
        ["h[1:2", /unbalanced/],
        ["h]1:2[", /unbalanced/],
        ["h[0:99999]", /more than/],
      ];
      for (const [pattern, why] of cases) assert.throws(() => expandHostPattern(pattern), why, pattern);
    });

    it("property: a pattern without brackets is itself", () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[a-z0-9.-]{1,30}$/), (s) => {
          assert.deepEqual(expandHostPattern(s), [s]);
        }),
      );
    });

    it("property: a numeric range yields end-begin+1 distinct names in order, padded when asked", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 500 }),
          fc.integer({ min: 0, max: 300 }),
          fc.boolean(),
          fc.stringMatching(/^[a-z.]{0,8}$/),
          fc.stringMatching(/^[a-z.]{0,8}$/),
          (from, span, pad, prefix, suffix) => {
            const to = from + span;
            const width = pad ? String(to).length + 1 : 0;
            const fmt = (n: number) => String(n).padStart(width, "0");
            const names = expandHostPattern(`${prefix}[${fmt(from)}:${fmt(to)}]${suffix}`);
            assert.equal(names.length, span + 1);
            assert.equal(new Set(names).size, names.length);
            names.forEach((name, i) => assert.equal(name, `${prefix}${fmt(from + i)}${suffix}`));
          },
        ),
      );
    });

    it("property: two ranges make the product of their sizes", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 25 }), (n, letters) => {
          const last = "abcdefghijklmnopqrstuvwxyz"[letters] ?? "a";
          const names = expandHostPattern(`h[1:${n}]-[a:${last}]`);
          assert.equal(names.length, n * (letters + 1));
          assert.ok(names.every((x) => !/[[\]:]/.test(x)));
        }),
      );
    });

    it("property: any input either expands within the bound or throws a plain Error", () => {
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."ab01:[]-.9z"), maxLength: 24 }), (s) => {
          try {
            const names = expandHostPattern(s);
            assert.ok(names.length >= 1 && names.length <= MAX_EXPANDED_HOSTS);
          } catch (error) {
            assert.ok(error instanceof Error && error.message.length > 0);
          }
        }),
      );
    });
  });

  describe("parseHostList", () => {
    it("reads one address per line, commas and spaces too, comments, ports and ranges", () => {
      const list = parseHostList(
        "10.0.0.[1:2]   # rack 1\n\nweb1.example.com:2222, 10.0.0.1\n[fd00::5]:22 fd00::6",
        "addresses",
      );
      assert.deepEqual(list, [
        { address: "10.0.0.1", port: 22, line: 1 },
        { address: "10.0.0.2", port: 22, line: 1 },
        { address: "web1.example.com", port: 2222, line: 3 },
        { address: "fd00::5", port: 22, line: 4 },
        { address: "fd00::6", port: 22, line: 4 },
      ]);
    });

    it("names the file and the line of a bad entry", () => {
      assert.throws(
        () => parseHostList("10.0.0.1\nroot@10.0.0.2", "answers.yaml", 7),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.location.file === "answers.yaml" &&
          e.location.line === 8 &&
          /root@10.0.0.2/.test(e.message),
      );
      assert.throws(
        () => parseHostList("ok\nh[3:1]", "addresses"),
        (e: unknown) => e instanceof ConfigError && e.location.line === 2 && /after the end/.test(e.message),
      );
      assert.throws(() => parseHostList("h:99999", "x"), /not a host name/);
    });

    it("property: every address of a parsed list is unique and carries a port", () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 9 })), {
            maxLength: 20,
          }),
          (entries) => {
            const text = entries.map(([a, n]) => `10.1.${a}.[0:${n}]`).join("\n");
            const list = parseHostList(text, "x");
            const keys = list.map((h) => `${h.address}:${h.port}`);
            assert.equal(new Set(keys).size, keys.length);
            const expected = new Set(
              entries.flatMap(([a, n]) => Array.from({ length: n + 1 }, (_, i) => `10.1.${a}.${i}`)),
            );
            assert.equal(list.length, expected.size);
          },
        ),
      );
    });
  });
});
