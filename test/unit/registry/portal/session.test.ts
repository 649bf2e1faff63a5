import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  cookieValue,
  SESSION_SECONDS,
  Sessions,
  setCookie,
} from "../../../../src/registry/portal/session.js";

describe("portal sessions", () => {
  it("a session names its account until it expires or is ended; a forged or altered cookie names nobody", () => {
    let now = 1_800_000_000_000;
    const s = new Sessions(() => now);
    const c = s.issue("robot$ci", "g1");
    assert.equal(s.check(c)?.user, "robot$ci");
    assert.equal(new Sessions(() => now).check(c), null, "another key (a restarted service)");
    fc.assert(
      fc.property(fc.nat({ max: c.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }), (i, ch) => {
        const bad = c.slice(0, i) + ch + c.slice(i + 1);
        fc.pre(bad !== c);
        assert.equal(s.check(bad), null);
      }),
    );
    const parts = c.split(".");
    const forged = [parts[0], Buffer.from("root").toString("base64url"), ...parts.slice(2)].join(".");
    assert.equal(s.check(forged), null);
    const regranted = [...parts.slice(0, 4), "g2", parts[5]].join(".");
    assert.equal(s.check(regranted), null, "other rights than signed");
    assert.equal(s.check(c)?.grants, "g1");
    const later = [...parts.slice(0, 2), String(Number(parts[2]) + 3600), ...parts.slice(3)].join(".");
    assert.equal(s.check(later), null, "a longer life");
    now += SESSION_SECONDS * 1000;
    assert.equal(s.check(c), null, "expired");
    now -= 1000;
    assert.equal(s.check(c)?.user, "robot$ci");
    s.end(c);
    assert.equal(s.check(c), null, "ended: a copy of the cookie is dead too");
    assert.equal(s.check(s.issue("robot$ci", "g1"))?.user, "robot$ci", "a new session is not");
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (v) => assert.equal(s.check(v), null)));
  });

  it("reads the cookie from a Cookie header and sets it HttpOnly, Secure, SameSite=Strict, short-lived", () => {
    assert.equal(cookieValue("a=1; ops_session=v1.x.y; b=2"), "v1.x.y");
    assert.equal(cookieValue(undefined), "");
    assert.equal(
      setCookie("v"),
      `ops_session=v; Max-Age=${SESSION_SECONDS}; Path=/; HttpOnly; Secure; SameSite=Strict`,
    );
    assert.match(setCookie(""), /Max-Age=0/);
  });
});
