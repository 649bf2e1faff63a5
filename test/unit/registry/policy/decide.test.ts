/**
 * The pure decisions of the policy service: Harbor's tag patterns, immutable tags (a push may not
 * move one, a delete may not remove one), quotas (each blob counted once), expiring accounts.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { accountVerdict } from "../../../../src/registry/policy/accounts.js";
import { parsePolicyConfig, PolicyConfigError } from "../../../../src/registry/policy/config.js";
import {
  deleteVerdict,
  errorBody,
  immutableVerdict,
  quotaVerdict,
} from "../../../../src/registry/policy/decide.js";
import { compilePattern, matchingPattern, PatternError } from "../../../../src/registry/policy/patterns.js";
import { manifestDescriptors, ManifestError } from "../../../../src/registry/policy/manifest.js";

const D = (c: string) => `sha256:${c.repeat(64)}`;
const project = { name: "team", immutable: ["v*", "{stable,lts}", "release-?"], quota: 1000 };

describe("policy: tag patterns", () => {
  it("match as Harbor's doublestar patterns do", () => {
    assert.ok(compilePattern("v*").test("v1.2.3"));
    assert.ok(!compilePattern("v*").test("latest"));
    assert.ok(compilePattern("{stable,lts}").test("lts"));
    assert.ok(!compilePattern("{stable,lts}").test("stable2"));
    assert.ok(compilePattern("release-?").test("release-1"));
    assert.ok(!compilePattern("release-?").test("release-10"));
    assert.ok(compilePattern("**").test("anything.at_all-1"));
    assert.ok(compilePattern("1.0").test("1.0") && !compilePattern("1.0").test("1x0"), "a dot is a dot");
    assert.equal(matchingPattern(project.immutable, "stable"), "{stable,lts}");
    assert.equal(matchingPattern(project.immutable, "dev"), undefined);
  });

  it("refuse what cannot be a pattern", () => {
    for (const bad of ["", "{a,{b}}", "{a", "a}"])
      assert.throws(() => compilePattern(bad), PatternError, bad);
  });

  it("match any tag in linear time, whatever the pattern (no catastrophic backtracking)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z*?{},.-]{1,40}$/), (p) => {
        let re: RegExp;
        try {
          re = compilePattern(p);
        } catch {
          return;
        }
        const start = process.hrtime.bigint();
        re.test(`${"a".repeat(128)}!`);
        assert.ok(process.hrtime.bigint() - start < 50_000_000n, p);
      }),
      { numRuns: 300 },
    );
  });
});

describe("policy: immutable tags", () => {
  it("a push may not move an immutable tag; the same content again, a new tag or a mutable one may", () => {
    const refused = immutableVerdict(project, "team/app", "v1", D("a"), D("b"));
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.reason === "immutable" && refused.detail.includes('rule "v*"'));
    assert.equal(immutableVerdict(project, "team/app", "v1", D("a"), D("a")).ok, true, "same content");
    assert.equal(immutableVerdict(project, "team/app", "v2", null, D("b")).ok, true, "a new tag");
    assert.equal(immutableVerdict(project, "team/app", "latest", D("a"), D("b")).ok, true, "mutable");
    assert.equal(immutableVerdict(project, "team/app", undefined, null, D("b")).ok, true, "by digest");
    assert.equal(immutableVerdict(undefined, "other/app", "v1", D("a"), D("b")).ok, true, "no rules");
  });

  it("a delete may not remove a manifest an immutable tag points at", () => {
    const tags: [string, string][] = [
      ["latest", D("a")],
      ["v1", D("b")],
    ];
    assert.equal(deleteVerdict(project, "team/app", tags, D("a")).ok, true);
    const v = deleteVerdict(project, "team/app", tags, D("b"));
    assert.ok(!v.ok && v.message.includes("team/app:v1"));
  });

  it("refusals are OCI error bodies with a detail (docker then treats them as final)", () => {
    const v = immutableVerdict(project, "team/app", "v1", D("a"), D("b"));
    assert.ok(!v.ok);
    const body = JSON.parse(errorBody(v)) as { errors: { code: string; message: string; detail: string }[] };
    assert.equal(body.errors[0]?.code, "DENIED");
    assert.ok(body.errors[0]?.message.includes("immutable") && body.errors[0].detail !== "");
  });
});

describe("policy: quotas", () => {
  const held = new Map([
    [D("1"), 300],
    [D("2"), 500],
  ]);
  it("counts only what the project does not hold yet, and refuses beyond the quota", () => {
    const ok = quotaVerdict(project, held, [
      { digest: D("1"), size: 300 },
      { digest: D("3"), size: 200 },
    ]);
    assert.deepEqual(ok, { ok: true, added: 200 });
    const over = quotaVerdict(project, held, [{ digest: D("3"), size: 201 }]);
    assert.ok(!over.ok && over.reason === "quota" && over.detail.includes("exceeds the quota of 1000 bytes"));
    assert.equal(quotaVerdict({ ...project, quota: null }, held, [{ digest: D("4"), size: 1e9 }]).ok, true);
  });

  it("a descriptor repeated in one manifest counts once", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }), (sizes) => {
        const adds = sizes.flatMap((s, i) => [
          { digest: D(String(i)), size: s },
          { digest: D(String(i)), size: s },
        ]);
        const v = quotaVerdict({ ...project, quota: null }, new Map(), adds);
        assert.ok(v.ok && v.added === sizes.reduce((a, b) => a + b, 0));
      }),
    );
  });
});

describe("policy: accounts and config", () => {
  it("an account is refused from the instant of its expiry", () => {
    const cfg = parsePolicyConfig(JSON.stringify({ accounts: [{ name: "robot$ci", expires: 1000 }] }));
    assert.deepEqual(accountVerdict(cfg, "robot$ci", 999), { ok: true });
    const v = accountVerdict(cfg, "robot$ci", 1000);
    assert.ok(!v.ok && v.detail === "account robot$ci expired at 1970-01-01T00:00:01.000Z");
    assert.deepEqual(accountVerdict(cfg, "robot$other", 5000), { ok: true });
  });

  it("a bad policy.json names what is wrong", () => {
    assert.throws(() => parsePolicyConfig("{"), /not JSON/);
    assert.throws(() => parsePolicyConfig('{"projects":[{"name":"a","quota":-1}]}'), /projects\.0\.quota/);
    assert.throws(
      () =>
        parsePolicyConfig(
          '{"webhooks":[{"name":"w","project":"a","url":"ftp://x","events":[],"secret":"s"}]}',
        ),
      PolicyConfigError,
    );
    assert.throws(
      () =>
        parsePolicyConfig(
          '{"webhooks":[{"name":"w","project":"a","url":"http://x","events":["PULL"],"secret":"s"}]}',
        ),
      /webhooks\.0\.events\.0/,
    );
  });

  it("reads what a manifest or an index holds, never its subject", () => {
    const m = JSON.stringify({
      config: { digest: D("c"), size: 2 },
      layers: [{ digest: D("d"), size: 10 }],
      subject: { digest: D("5"), size: 99 },
    });
    assert.deepEqual(manifestDescriptors(m), [
      { digest: D("c"), size: 2 },
      { digest: D("d"), size: 10 },
    ]);
    assert.deepEqual(manifestDescriptors(JSON.stringify({ manifests: [{ digest: D("e"), size: 5 }] })), [
      { digest: D("e"), size: 5 },
    ]);
    assert.throws(() => manifestDescriptors('{"layers":[{"digest":"md5:x","size":1}]}'), ManifestError);
    assert.throws(() => manifestDescriptors("[]"), ManifestError);
  });
});
