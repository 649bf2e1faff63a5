// The inventory, policy and waivers validators are compiled ahead of time (src/schema/standalone.ts
// writes src/schema/validators.generated.js): the file must be what the schemas give today, and its
// validators must judge every value as ajv compiling the same schema at run time does, error for error.
import assert from "node:assert/strict";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import inventorySchema from "../../../inventory/schema.json" with { type: "json" };
import { policySchema } from "../../../src/compliance/policy-schema.js";
import { waiversSchema } from "../../../src/compliance/waivers-schema.js";
import { createAjv, explainAjvErrors, type Validator } from "../../../src/schema/ajv.js";
import { builtinVarsSchemas, validatorsModule } from "../../../src/schema/standalone.js";
import {
  validateInventory,
  validateInventoryVars,
  validatePolicy,
  validateWaivers,
  varsValidators,
} from "../../../src/schema/validators.generated.js";
import { schemaKey } from "../../../src/schema/schema-key.js";
import { fuzzParams } from "../../helpers/fuzz.js";

const ajv = createAjv();
for (const schema of [inventorySchema, policySchema, waiversSchema]) ajv.addSchema(schema);
const runtime = (id: string): Validator => {
  const fn = ajv.getSchema(id);
  assert.ok(fn, id);
  return fn;
};

const pairs: [string, Validator, Validator][] = [
  ["inventory", validateInventory, runtime(inventorySchema.$id)],
  ["inventory vars", validateInventoryVars, runtime(`${inventorySchema.$id}#/definitions/vars`)],
  ["policy", validatePolicy, runtime(policySchema.$id)],
  ["waivers", validateWaivers, runtime(waiversSchema.$id)],
];

/** What a user reads of a verdict: valid or not, and every problem in words. */
function verdict(validate: Validator, data: unknown) {
  const ok = validate(data);
  const errors = (ok ? [] : (validate.errors ?? [])).map((e) => ({
    at: e.instancePath,
    rule: e.schemaPath,
    params: e.params,
    data: e.data,
    node: e.parentSchema,
  }));
  return { ok, errors, problems: ok ? [] : explainAjvErrors(validate.errors) };
}

const names = ["all", "hosts", "children", "vars", "level", "include", "exclude", "params", "waivers"];
const keys = [
  ...names,
  ...["ansible_host", "ansible_port", "ansible_user", "ansible_connection", "check", "justification"],
  ...["expires", "run", "host", "containers", "x", "secret_patterns", "severity"],
];
/** JSON values shaped like the files, so most of them reach deep into the schemas. */
const shaped = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...keys), tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("ops's fixed schemas compiled ahead of time", function () {
  // Generating the module and compiling every schema again takes about 8 s on a quiet 2-core machine;
  // the suite's 10 s default failed it under load, which says nothing about the validators.
  this.timeout(60_000);
  it("src/schema/validators.generated.js is what standalone.ts makes of today's schemas (npm run docs)", async () => {
    const file = fileURLToPath(new URL("../../../src/schema/validators.generated.js", import.meta.url));
    assert.equal(
      readFileSync(file, "utf8"),
      validatorsModule(await builtinVarsSchemas()),
      "run npm run docs",
    );
  });

  it("each generated validator judges every value as ajv's run-time compile does, error for error", () => {
    fc.assert(
      fc.property(shaped, (data) => {
        for (const [name, generated, compiled] of pairs)
          assert.deepEqual(verdict(generated, data), verdict(compiled, data), name);
      }),
      fuzzParams("generated validators", 300),
    );
  });

  it("they are not blind: a wrong port, an unknown policy key and a waiver without a check fail", () => {
    assert.equal(verdict(validateInventory, { all: { vars: { ansible_port: "x" } } }).ok, false);
    assert.equal(verdict(validatePolicy, { levle: 1 }).ok, false);
    assert.equal(verdict(validateWaivers, { waivers: [{ justification: "why" }] }).ok, false);
    assert.equal(verdict(validateInventory, { all: { hosts: { a: { ansible_port: 22 } } } }).ok, true);
  });

  it("every built-in playbook's variables, and check's merged drift schemas, are found compiled, and judge as ajv does", async () => {
    const schemas = await builtinVarsSchemas();
    // registry-gc shares deploy-registry's variables: 3 distinct schemas, and the merged drift one.
    assert.ok(schemas.length >= 4, "the playbooks' schemas and the merged one");
    const vars = schemas.map((schema): [string, Validator, Validator] => {
      const generated = varsValidators[schemaKey(schema)];
      assert.ok(generated, "compiled ahead of time");
      return ["vars", generated, ajv.compile(schema)];
    });
    const varNames = schemas.flatMap((s) => Object.keys((s as { properties: object }).properties));
    const value = fc.dictionary(fc.constantFrom(...varNames), shaped, { maxKeys: 5 });
    fc.assert(
      fc.property(value, (data) => {
        for (const [name, generated, compiled] of vars)
          assert.deepEqual(verdict(generated, data), verdict(compiled, data), name);
      }),
      fuzzParams("generated vars validators", 200),
    );
  });
});
