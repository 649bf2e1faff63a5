import assert from "node:assert/strict";
import { builtinPlaybooks } from "../../../playbooks/index.js";
import { loadPlaybook } from "../../../src/cli/load-playbook.js";
import { schemaKey } from "../../../src/schema/schema-key.js";
import { varsValidators } from "../../../src/schema/validators.generated.js";
import { openVarsSchema } from "../../../src/vars/open-schema.js";

describe("vars/open-schema", () => {
  it("allows unknown names, keeps the rest, and leaves the playbook's own schema as it was", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    assert.deepEqual(openVarsSchema(schema), { ...schema, additionalProperties: true });
    assert.equal(schema.additionalProperties, false);
  });

  it("every built-in playbook's schema, opened, is one compiled ahead of time (no ajv work at start-up)", async () => {
    for (const name of builtinPlaybooks.keys()) {
      const { playbook } = await loadPlaybook(name);
      assert.ok(varsValidators[schemaKey(openVarsSchema(playbook.variables))], name);
    }
  });
});
