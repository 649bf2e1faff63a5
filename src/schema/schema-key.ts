/**
 * The key of a schema among the validators compiled ahead of time (validators.generated.js): the
 * SHA-256 of its JSON. A schema that differs in anything ajv reads has another key, and is compiled
 * at run time as before.
 */
import { createHash } from "node:crypto";

export const schemaKey = (schema: object): string =>
  createHash("sha256").update(JSON.stringify(schema)).digest("hex");
