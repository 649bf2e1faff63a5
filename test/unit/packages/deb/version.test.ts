import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import {
  comparePin,
  compareVersions,
  parsePin,
  parseVersion,
  versionText,
} from "../../../../src/packages/deb/version.js";

/** dpkg's own answers for many pairs, from one shell (one process per pair would take seconds). */
function dpkgCompare(pairs: readonly (readonly [string, string])[]): number[] {
  const q = (v: string) => `'${v}'`;
  const script = pairs
    .map(
      ([a, b]) =>
        `if dpkg --compare-versions ${q(a)} lt ${q(b)}; then echo -1; elif dpkg --compare-versions ${q(a)} eq ${q(b)}; then echo 0; else echo 1; fi`,
    )
    .join("\n");
  const r = spawnSync("sh", ["-c", script], { encoding: "utf8" });
  return r.stdout.trim().split("\n").map(Number);
}

const hasDpkg = spawnSync("sh", ["-c", "command -v dpkg"]).status === 0;
const part = (chars: string) =>
  fc.array(fc.constantFrom(...chars.split("")), { minLength: 0, maxLength: 6 }).map((a) => a.join(""));
const version = fc
  .record({
    epoch: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
    upstream: fc.tuple(fc.integer({ min: 0, max: 99 }), part("0123456789.~+ab")),
    revision: fc.option(
      part("0123456789.~+ab").filter((r) => r !== ""),
      { nil: undefined },
    ),
  })
  .map(
    (v) =>
      `${v.epoch !== undefined ? `${v.epoch}:` : ""}${v.upstream[0]}${v.upstream[1]}${v.revision ? `-${v.revision}` : ""}`,
  );

describe("packages/deb/version", () => {
  it("splits epoch, upstream and revision at the last hyphen", () => {
    assert.deepEqual(parseVersion("5:24.0.7-1~debian.12~bookworm"), {
      epoch: 5,
      upstream: "24.0.7",
      revision: "1~debian.12~bookworm",
    });
    assert.deepEqual(parseVersion("1:2.0-3-4"), { epoch: 1, upstream: "2.0-3", revision: "4" });
    assert.deepEqual(parseVersion("1.6.20"), { epoch: 0, upstream: "1.6.20", revision: "" });
  });

  it("keeps a pin's absent fields absent and writes it back as apt does", () => {
    assert.deepEqual(parsePin("24.0.7"), { upstream: "24.0.7" });
    assert.equal(versionText(parsePin("5:24.0.7-1~debian.12~bookworm")), "5:24.0.7-1~debian.12~bookworm");
    assert.equal(versionText(parsePin("0:1.0-1")), "1.0-1");
  });

  it("refuses what is no Debian version, naming it", () => {
    for (const bad of ["", "latest", "24.0.7;reboot", "24.0.7 -o x", "-1", "24.0.7-", "x:1.0", "1.0-a_b"]) {
      assert.throws(() => parsePin(bad), new RegExp(`is not a Debian version`), bad);
    }
  });

  it("orders like dpkg: ~ before the end, the end before letters, numbers by value", () => {
    const ordered = ["1.0~rc1", "1.0", "1.0a", "1.0+b1", "1.0.1", "1.2", "1.10", "2:0.1"];
    for (let i = 0; i + 1 < ordered.length; i++) {
      assert.equal(compareVersions(parseVersion(ordered[i]!), parseVersion(ordered[i + 1]!)), -1, ordered[i]);
    }
    const docker = (v: string) => parseVersion(`5:${v}-1~debian.12~bookworm`);
    assert.equal(compareVersions(docker("20.10.23"), docker("20.10.24")), -1);
    assert.equal(compareVersions(docker("20.10.24"), docker("24.0.7")), -1);
  });

  (hasDpkg ? it : it.skip)("agrees with dpkg --compare-versions on generated versions", function () {
    this.timeout(30_000);
    const seed = Date.now();
    const pairs = fc.sample(fc.tuple(version, version), { numRuns: 300, seed });
    const expected = dpkgCompare(pairs);
    pairs.forEach(([a, b], i) => {
      assert.equal(
        compareVersions(parseVersion(a), parseVersion(b)),
        expected[i],
        `${a} vs ${b} (seed ${seed})`,
      );
    });
  });

  it("compares a pin on the fields it gives: upstream only, or the whole version", () => {
    const installed = parseVersion("5:20.10.24-1~debian.12~bookworm");
    assert.equal(comparePin(installed, parsePin("20.10.24")), 0);
    assert.equal(comparePin(installed, parsePin("20.10.23")), 1);
    assert.equal(comparePin(installed, parsePin("24.0.7")), -1);
    assert.equal(comparePin(installed, parsePin("5:20.10.24-1~debian.12~bookworm")), 0);
    assert.equal(comparePin(installed, parsePin("5:20.10.24-2~debian.12~bookworm")), -1);
    assert.equal(comparePin(installed, parsePin("4:20.10.24")), 1);
  });
});
