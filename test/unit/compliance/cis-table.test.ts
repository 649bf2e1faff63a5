import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CIS_TABLE, cisRecommendation } from "../../../src/compliance/cis-table.js";
import { CATALOG } from "../../../src/compliance/checks/catalog.js";
import { withCisTable } from "../../../src/compliance/report/cis-doc.js";

const DOC = fileURLToPath(new URL("../../../docs/COMPLIANCE.md", import.meta.url));

describe("the CIS v1.6.0 table", () => {
  it("holds sections 1 to 5 once each, in the benchmark's order", () => {
    const ids = CIS_TABLE.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    const key = (id: string) =>
      id
        .split(".")
        .map((n) => n.padStart(3, "0"))
        .join(".");
    assert.deepEqual(
      [...ids].sort((a, b) => key(a).localeCompare(key(b))),
      ids,
    );
    // 1.1.1-1.1.18, 1.2.1-1.2.2, 2.1-2.18, 3.1-3.24, 4.1-4.12, 5.1-5.32.
    assert.equal(ids.length, 18 + 2 + 18 + 24 + 12 + 32);
    assert.equal(
      cisRecommendation("5.32").title,
      "Ensure that the Docker socket is not mounted inside any containers",
    );
    assert.throws(() => cisRecommendation("5.33"), /no recommendation 5.33/);
  });

  it("one check per CIS id, named after it, with the table's title and level", () => {
    const ids = CATALOG.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, "no id judged twice");
    for (const c of CATALOG) {
      const cis = c.labels?.cis ?? "";
      assert.equal(c.id, `cis.${cis}`);
      assert.equal(c.title, cisRecommendation(cis).title);
      assert.equal(c.labels?.level, String(cisRecommendation(cis).level));
    }
  });

  it("docs/COMPLIANCE.md's table is the one generated from it (npm run docs)", () => {
    const doc = readFileSync(DOC, "utf8");
    assert.equal(doc, withCisTable(doc), "run npm run docs");
  });
});

describe("the policy and waivers schemas", () => {
  it("docs/schemas/*.json are the ones generated from the TypeBox declarations (npm run docs)", async () => {
    const { policySchema } = await import("../../../src/compliance/policy-schema.js");
    const { waiversSchema } = await import("../../../src/compliance/waivers-schema.js");
    for (const [file, schema] of [
      ["policy.schema.json", policySchema],
      ["waivers.schema.json", waiversSchema],
    ] as const) {
      const doc = fileURLToPath(new URL(`../../../docs/schemas/${file}`, import.meta.url));
      assert.deepEqual(
        JSON.parse(readFileSync(doc, "utf8")),
        JSON.parse(JSON.stringify(schema)),
        `run npm run docs (${file})`,
      );
    }
  });
});
