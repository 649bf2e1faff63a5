/**
 * The verify robot (verify-robot.ts): its name and file, and the regex nginx judges its expiry
 * with, against plain arithmetic over random instants.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { VERIFY_ROBOT } from "../../../src/registry/model.js";
import { aheadPattern, newVerifyRobot, verifyRobotName } from "../../../src/registry/verify-robot.js";

describe("verify robot", () => {
  it("is named for its run and its expiry, matches the reserved pattern, and has a new random password each time", () => {
    const a = newVerifyRobot("/opt/ops-registry", "1a2b3c", Date.UTC(2026, 11, 7, 19, 0, 0, 900), 600);
    assert.equal(a.expires, Date.UTC(2026, 11, 7, 19, 10, 0) / 1000);
    assert.equal(a.name, `robot$ops-verify-1a2b3c-${a.expires}`);
    assert.equal(a.name, verifyRobotName("1a2b3c", a.expires));
    assert.equal(a.file, `/opt/ops-registry/nginx/verify/1a2b3c-${a.expires}.htpasswd`);
    assert.ok(VERIFY_ROBOT.test(a.name));
    const b = newVerifyRobot("/opt/ops-registry", "1a2b3c", Date.now(), 600);
    assert.notEqual(a.password, b.password);
    assert.equal(Buffer.from(a.password, "base64url").length, 32);
  });

  it("nginx's expiry regex says 'ahead' exactly when the expiry is greater than now, over random instants", () => {
    const ahead = new RegExp(`^${aheadPattern()}`);
    const tenDigits = fc.integer({ min: 1_000_000_000, max: 9_999_999_999 });
    fc.assert(
      fc.property(tenDigits, tenDigits, fc.integer({ min: 0, max: 999 }), (expires, now, ms) => {
        const key = `${expires}:${now}.${String(ms).padStart(3, "0")}`;
        assert.equal(ahead.test(key), expires > now, key);
      }),
      { numRuns: 2000 },
    );
    // Neighbours: one second either side, and the same second.
    for (const [e, n, want] of [
      [1765135001, 1765135000, true],
      [1765135000, 1765135000, false],
      [1765134999, 1765135000, false],
      [1800000000, 1799999999, true],
      [1799999999, 1800000000, false],
    ] as const)
      assert.equal(ahead.test(`${e}:${n}.000`), want, `${e} vs ${n}`);
  });
});
