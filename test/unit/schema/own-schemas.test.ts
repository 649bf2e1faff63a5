// ops compiles its own schemas without checking them against the JSON Schema meta-schema (that
// costs a start-up of every command: src/schema/ajv.ts `ownSchemas`). This is where they are
// checked instead, every one of them: a schema ops ships that the meta-schema rejects fails here.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import inventorySchema from "../../../inventory/schema.json" with { type: "json" };
import { builtinPlaybooks, builtinSchema } from "../../../playbooks/index.js";
import { policySchema } from "../../../src/compliance/policy-schema.js";
import { waiversSchema } from "../../../src/compliance/waivers-schema.js";
import { createAjv } from "../../../src/schema/ajv.js";
import { answersSchema } from "../../../src/wizard/answers-schema.js";

/** The meta-schema's complaints about `schema`, in words ("" when it is valid). */
function metaProblems(schema: unknown): string {
  const ajv = createAjv();
  return ajv.validateSchema(schema as object) === true ? "" : ajv.errorsText(ajv.errors);
}

describe("ops's own schemas against the JSON Schema meta-schema", function () {
  // Importing every built-in playbook takes a few seconds on a loaded machine.
  this.timeout(60_000);
  const fixed: Record<string, unknown> = {
    "inventory/schema.json": inventorySchema,
    "src/compliance/policy-schema.ts": policySchema,
    "src/compliance/waivers-schema.ts": waiversSchema,
    "src/wizard/answers-schema.ts": answersSchema,
  };
  for (const [name, schema] of Object.entries(fixed))
    it(`${name} is a valid schema`, () => assert.equal(metaProblems(schema), "", name));

  it("every built-in playbook's variables, and all of them as one, are valid schemas", async () => {
    assert.ok(builtinPlaybooks.size >= 4);
    for (const [name, load] of builtinPlaybooks) {
      const { variables } = (await load()).default;
      assert.equal(metaProblems({ ...variables, additionalProperties: true }), "", name);
    }
    assert.equal(metaProblems(await builtinSchema()), "", "builtinSchema()");
  });

  it("every module that compiles with ownSchemas is one whose schemas are listed above", () => {
    // A new caller of createAjv({ ownSchemas: true }) must add its schemas to this file.
    const src = fileURLToPath(new URL("../../../src/", import.meta.url));
    const callers = (readdirSync(src, { recursive: true }) as string[])
      .filter((f) => f.endsWith(".ts") && readFileSync(`${src}${f}`, "utf8").includes("ownSchemas: true"))
      .sort();
    // The inventory, policy and waivers schemas are compiled ahead of time (standalone.ts), by an ajv
    // that checks them against the meta-schema.
    assert.deepEqual(callers, ["vars/validate.ts", "wizard/answers-file.ts"]);
  });

  it("the check can fail: a schema with a misspelt type is rejected", () => {
    assert.match(metaProblems({ type: "object", properties: { a: { type: "strin" } } }), /type/);
  });
});
