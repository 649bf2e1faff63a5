// The registry client's parsers against anything a registry could send: they return a value or say
// what is wrong, never throw, and what they accept is what the spec allows. Seed printed.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { readAuditLine } from "../../../src/registry/audit.js";
import {
  asDescriptorList,
  isDigest,
  isRepository,
  isTag,
  parseJsonObject,
  stringList,
} from "../../../src/registry/parse.js";
import { UNSAFE_ONE_LINE } from "../../../src/report/printable.js";
import { fuzzParams } from "../../helpers/fuzz.js";

const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: "binary" }).map((s) => ({ s })),
);
const auditish = fc.record(
  {
    time: fc.oneof(fc.constant("2026-12-01T10:00:00+00:00"), fc.string(), fc.integer()),
    user: fc.oneof(fc.string({ unit: "binary" }), fc.integer(), fc.constant(null)),
    action: fc.constantFrom("push", "pull", "delete", "x"),
    kind: fc.constantFrom("manifest", "blob"),
    project: fc.string(),
    repository: fc.string(),
    reference: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
    method: fc.constantFrom("GET", "PUT"),
    status: fc.oneof(fc.integer({ min: -5, max: 700 }), fc.string()),
    digest: fc.string(),
    client: fc.string({ unit: "binary" }),
    service: fc.string(),
  },
  { requiredKeys: [] },
);

describe("registry parsers (fuzz)", () => {
  it("JSON bodies, lists and descriptors: a value or a reason, never an exception", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyJson.map((v) => JSON.stringify(v) ?? ""),
          fc.string({ unit: "binary" }),
        ),
        (text) => {
          const doc = parseJsonObject(Buffer.from(text));
          if (typeof doc === "string") return;
          for (const field of Object.keys(doc)) {
            const list = stringList(doc[field], field);
            if (typeof list !== "string") assert.ok(list.every((s) => typeof s === "string"));
          }
          const ds = asDescriptorList(Object.values(doc));
          if (typeof ds !== "string")
            for (const d of ds) assert.ok(isDigest(d.digest) && Number.isSafeInteger(d.size) && d.size >= 0);
        },
      ),
      fuzzParams("registry JSON", 400),
    );
  });

  it("names the registry lists: what passes is safe in a path and on a terminal", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (s) => {
        for (const ok of [isRepository(s), isTag(s), isDigest(s)].filter(Boolean)) {
          assert.ok(ok);
          assert.doesNotMatch(s, UNSAFE_ONE_LINE);
          assert.doesNotMatch(s, /\.\.\/|[?#%\s]/);
        }
      }),
      fuzzParams("registry names", 1000),
    );
    assert.ok(isRepository("team/sub/app-1") && isTag("v1.2_3") && isDigest(`sha256:${"a".repeat(64)}`));
    assert.ok(!isRepository("../x") && !isTag("-x") && !isDigest("sha256:abc"));
  });

  it("audit lines: a record only when every field has its type and the time is a date", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          auditish.map((o) => JSON.stringify(o)),
          fc.string({ unit: "binary" }),
        ),
        (line) => {
          const read = readAuditLine(line);
          if (read === null || !("record" in read)) return;
          const r = read.record;
          assert.ok(!Number.isNaN(new Date(r.time).getTime()));
          for (const f of ["user", "reference", "client", "repository"] as const)
            assert.equal(typeof r[f], "string");
          assert.ok(Number.isInteger(r.status));
        },
      ),
      fuzzParams("audit lines", 500),
    );
  });
});
