// Writes the generated parts of the docs: the CIS table of docs/COMPLIANCE.md (from
// src/compliance/cis-table.ts and the checks). `npm run docs`; a unit test fails when they differ.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { withCisTable } from "../src/compliance/report/cis-doc.js";

const doc = fileURLToPath(new URL("../docs/COMPLIANCE.md", import.meta.url));
writeFileSync(doc, withCisTable(readFileSync(doc, "utf8")));
process.stdout.write(`wrote ${doc}\n`);
