// Writes the generated parts of the docs: the CIS table of docs/COMPLIANCE.md (from
// src/compliance/cis-table.ts and the checks) and docs/schemas/*.json (from the TypeBox schemas of
// the policy and the waivers), and src/schema/validators.generated.js (the inventory, policy and
// waivers schemas compiled ahead of time). `npm run docs`; unit tests fail when they differ.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { policySchema } from "../src/compliance/policy-schema.js";
import { withCisTable } from "../src/compliance/report/cis-doc.js";
import { builtinVarsSchemas, validatorsModule } from "../src/schema/standalone.js";
import { waiversSchema } from "../src/compliance/waivers-schema.js";

const at = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const doc = at("docs/COMPLIANCE.md");
writeFileSync(doc, withCisTable(readFileSync(doc, "utf8")));
process.stdout.write(`wrote ${doc}\n`);
for (const [file, schema] of [
  ["docs/schemas/policy.schema.json", policySchema],
  ["docs/schemas/waivers.schema.json", waiversSchema],
] as const) {
  writeFileSync(at(file), await format(JSON.stringify(schema), { parser: "json" }));
  process.stdout.write(`wrote ${at(file)}\n`);
}
const validators = at("src/schema/validators.generated.js");
writeFileSync(validators, validatorsModule(await builtinVarsSchemas()));
process.stdout.write(`wrote ${validators}\n`);
