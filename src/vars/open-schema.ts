/**
 * A playbook's variables schema as ops compiles it: unknown names allowed, because they are judged
 * elsewhere (prefixes, -e) with a better message than ajv's. One function, so that the run-time
 * compile (validate.ts), the playbook check (load-playbook.ts) and the validators compiled ahead of
 * time (schema/standalone.ts, found by this schema's key) always agree on the schema.
 *
 * @example ajv.compile(openVarsSchema(playbook.variables))
 */
export const openVarsSchema = <T extends object>(schema: T): T & { additionalProperties: true } => ({
  ...schema,
  additionalProperties: true,
});
