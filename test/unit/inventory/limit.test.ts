import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors.js";
import { applyLimit } from "../../../src/inventory/limit.js";
import { loadInventory } from "../../../src/inventory/load.js";
import type { Inventory } from "../../../src/inventory/types.js";

// Hosts: bastion (ungrouped), el8-1 (centos, el8), el9-1 (centos, el9), el9-2 (centos, el9, registry)
const CASES: [pattern: string, hosts: string[]][] = [
  ["all", ["bastion", "el8-1", "el9-1", "el9-2"]],
  ["*", ["bastion", "el8-1", "el9-1", "el9-2"]],
  ["el9-1", ["el9-1"]],
  ["el9", ["el9-1", "el9-2"]],
  ["ungrouped", ["bastion"]],
  ["el9-2,bastion", ["bastion", "el9-2"]], // inventory order, not pattern order
  ["el8:registry", ["el8-1", "el9-2"]],
  ["el9-?", ["el9-1", "el9-2"]],
  ["el*", ["el8-1", "el9-1", "el9-2"]], // matches groups el8/el9 and hosts
  ["el9-[12]", ["el9-1", "el9-2"]],
  ["~^el[89]-1$", ["el8-1", "el9-1"]],
  ["centos:&el9", ["el9-1", "el9-2"]],
  ["&registry:centos", ["el9-2"]], // intersections apply after unions, whatever the order
  ["centos:!el9-2", ["el8-1", "el9-1"]],
  ["!registry", ["bastion", "el8-1", "el9-1"]], // only exclusions: start from all
  ["all:!centos", ["bastion"]],
  ["centos:&el9:!registry", ["el9-1"]],
];

describe("applyLimit", () => {
  let inv: Inventory;
  before(async () => {
    inv = await loadInventory("test/fixtures/inventory/lab/hosts.yaml");
  });

  for (const [pattern, hosts] of CASES) {
    it(`'${pattern}' selects ${hosts.join(", ")}`, () => {
      assert.deepEqual(
        applyLimit(inv, pattern).hosts.map((h) => h.name),
        hosts,
      );
    });
  }

  it("narrows the group lists to the selected hosts", () => {
    const limited = applyLimit(inv, "el9-1");
    assert.deepEqual(limited.groups.el9, ["el9-1"]);
    assert.deepEqual(limited.groups.registry, []);
  });

  it("names a part that matches nothing, with a did-you-mean", () => {
    assert.throws(
      () => applyLimit(inv, "el9:el9-7", "hosts.yaml"),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.message, "--limit: no host or group matches 'el9-7'");
        assert.equal(e.hint, "did you mean 'el9-1' or 'el9-2'?");
        assert.deepEqual(e.location, { file: "hosts.yaml", path: "--limit" });
        return true;
      },
    );
  });

  it("names an unknown part after ! or & too", () => {
    assert.throws(() => applyLimit(inv, "all:!web"), { message: "--limit: no host or group matches 'web'" });
    assert.throws(() => applyLimit(inv, "all:&db*"), { message: "--limit: no host or group matches 'db*'" });
  });

  it("refuses a pattern that leaves no host", () => {
    assert.throws(() => applyLimit(inv, "el8:&registry"), {
      message: "--limit 'el8:&registry' selects no hosts",
    });
  });

  it("refuses an invalid regular expression, and one RE2 cannot run in linear time", () => {
    assert.throws(() => applyLimit(inv, "~el9-("), {
      message: "--limit: '~el9-(' is not a regular expression RE2 reads: missing closing ): `el9-(`",
    });
    assert.throws(() => applyLimit(inv, "~(el9)\\1"), /not a regular expression RE2 reads: invalid escape/);
  });

  it("a catastrophic pattern against a long host name finishes at once (linear time)", () => {
    const long = `${"a".repeat(50_000)}b`;
    const hostile = { ...inv, hosts: [...inv.hosts, { ...inv.hosts[0]!, name: long }] };
    // With a backtracking engine this would not end for ages; RE2 answers in milliseconds.
    assert.throws(() => applyLimit(hostile, "~^(a+)+$"), /no host or group matches/);
    assert.deepEqual(
      applyLimit(hostile, "~(a+)+b$").hosts.map((h) => h.name),
      [long],
    );
  });
});
