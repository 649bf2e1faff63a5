/**
 * engine.versions compares the version the daemon reports with a docker_version pin written in any
 * family's spelling: bare (`20.10.24`), rpm (`3:20.10.24-1.el9`) or Docker's deb
 * (`5:20.10.24-1~debian.12~bookworm`). A distribution's rebuild reports build metadata
 * (`20.10.24+dfsg1`), which semver leaves out of a version's identity.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { pinnedVersion, versionMatches } from "../../../../playbooks/engine-checks/engine.js";

const part = fc.integer({ min: 0, max: 99 });
const upstream = fc.tuple(part, part, part).map((xs) => xs.join("."));
const metadata = fc.stringMatching(/^[a-z0-9]{1,8}$/);
/** Every spelling of a pin of `v` that install-engine takes. */
const pins = (v: string, epoch: number, release: number): string[] => [
  v,
  `${epoch}:${v}-${release}.el9`,
  `${v}-${release}.el8`,
  `${epoch}:${v}-${release}~debian.12~bookworm`,
  `${epoch}:${v}-${release}~ubuntu.24.04~noble`,
];

describe("engine.versions: a pin against the version the engine reports", () => {
  it("every spelling of a pin names the engine's version", () => {
    assert.equal(pinnedVersion("3:20.10.24-1.el9"), "20.10.24");
    assert.equal(pinnedVersion("5:24.0.7-1~debian.12~bookworm"), "24.0.7");
    assert.equal(pinnedVersion("5:24.0.0~rc.1-1~debian.12~bookworm"), "24.0.0-rc.1");
    assert.equal(pinnedVersion("20.10.24+dfsg1-1+b3"), "20.10.24+dfsg1");
    assert.equal(pinnedVersion("20.10"), "20.10");
  });

  it("any pin spelling of a version is satisfied by that version, with or without build metadata", () => {
    fc.assert(
      fc.property(upstream, fc.option(metadata), part, part, (v, meta, epoch, release) => {
        const reported = meta === null ? v : `${v}+${meta}`;
        for (const pin of pins(v, epoch, release))
          assert.ok(versionMatches(pin, reported), `${pin} vs ${reported}`);
      }),
    );
  });

  it("no pin spelling of another version is satisfied, build metadata or not", () => {
    fc.assert(
      fc.property(upstream, upstream, fc.option(metadata), part, (v, w, meta, release) => {
        fc.pre(v !== w);
        const reported = meta === null ? w : `${w}+${meta}`;
        for (const pin of pins(v, 5, release))
          assert.ok(!versionMatches(pin, reported), `${pin} vs ${reported}`);
      }),
    );
  });

  it("a pin prefix matches at a dot only; a pin that spells build metadata must match it exactly", () => {
    assert.ok(versionMatches("20.10", "20.10.24+dfsg1"));
    assert.ok(!versionMatches("20.1", "20.10.24"));
    assert.ok(!versionMatches("20.10.2", "20.10.24"));
    assert.ok(versionMatches("20.10.24+dfsg1-1+b3", "20.10.24+dfsg1"));
    assert.ok(!versionMatches("20.10.24+dfsg2", "20.10.24+dfsg1"));
    assert.ok(!versionMatches("20.10.24+dfsg1", "20.10.24"));
  });
});
