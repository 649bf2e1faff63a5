/**
 * One configured ajv for every ops schema, and ajv's errors turned into (path, problem) pairs in
 * words. Callers add the subject ("host 'el9-1'", "registry_mirrors") and the location.
 */
import { Ajv, type CodeOptions, type ErrorObject } from "ajv";
import { describeExpected, showValue, typeOfValue, type SchemaNode } from "./describe.js";
import { didYouMean } from "./suggest.js";

/** Our own annotation keywords, declared so ajv's strict mode accepts them. */
const OPS_KEYWORDS = ["x-expected", "x-expected-key", "x-ops-prefixes", "x-ops-secret"];

/**
 * A fresh ajv collecting all errors (a user fixes a file once, not once per error) and keeping the
 * failing schema node (`verbose`) so messages can describe what was expected.
 * `ownSchemas`: only ops's own schemas are compiled here, so ajv skips checking them against the
 * JSON Schema meta-schema (compiling the meta-schema costs about 50 ms per instance, a third of a
 * one-host `ops check`); test/unit/schema/own-schemas.test.ts checks every one of them against it
 * instead. A user's schema (a playbook's variables) is always checked.
 * `code`: ajv's code options (standalone.ts generates the fixed schemas' validators ahead of time).
 */
export function createAjv(opts: { ownSchemas?: boolean; code?: CodeOptions } = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    validateSchema: opts.ownSchemas !== true,
    ...(opts.code ? { code: opts.code } : {}),
  });
  ajv.addVocabulary(OPS_KEYWORDS);
  return ajv;
}

/** A compiled schema: ajv's, or one generated ahead of time (validators.generated.js). */
export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export interface SchemaProblem {
  /** Where in the data: map keys and array indexes. */
  segments: string[];
  /** What is wrong, to follow the subject: "must be a string, got integer". */
  problem: string;
  hint?: string;
}

function segmentsOf(instancePath: string): string[] {
  if (instancePath === "") return [];
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The `x-expected` wording of a string node, else the rule it broke in words. */
function describeForm(node: SchemaNode, error: ErrorObject): string {
  if (typeof node["x-expected"] === "string") return `must be ${node["x-expected"]}`;
  const limit = Number(error.params.limit);
  if (error.keyword === "minLength")
    return limit === 1 ? "must not be empty" : `must be at least ${limit} characters`;
  if (error.keyword === "maxLength") return `must be at most ${limit} characters`;
  return `must match the pattern ${String(error.params.pattern)}`;
}

function explain(error: ErrorObject): SchemaProblem {
  const segments = segmentsOf(error.instancePath);
  const node = (error.parentSchema ?? {}) as SchemaNode;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const keyForm = node["x-expected-key"];
      // A mapping keyed by a form (registry addresses, say) has no list of names to offer.
      if (typeof keyForm === "string") {
        return { segments: [...segments, key], problem: `is not allowed: a key here must be ${keyForm}` };
      }
      const known = Object.keys(node.properties ?? {});
      const hint = didYouMean(key, known);
      return {
        segments: [...segments, key],
        problem: `is not allowed here (expected ${known.join(", ")})`,
        ...(hint ? { hint } : {}),
      };
    }
    case "required":
      return { segments, problem: `must have ${String(error.params.missingProperty)}` };
    case "type":
    case "anyOf":
    case "oneOf":
      return { segments, problem: `must be ${describeExpected(node)}, got ${typeOfValue(error.data)}` };
    case "pattern":
    case "minLength":
    case "maxLength":
      // A string of the wrong form: "must be a string" would be false; say which form is wanted.
      return { segments, problem: `${describeForm(node, error)}, got ${showValue(error.data)}` };
    default:
      // A value of the right type that breaks a bound or an enum: show the value itself.
      return { segments, problem: `must be ${describeExpected(node)}, got ${showValue(error.data)}` };
  }
}

/**
 * ajv errors in words, one per data path. When an `anyOf` failed, the failures of its branches
 * are dropped: "must be a boolean or one of yes/no" says it all.
 *
 * @example explainAjvErrors(validate.errors) // [{ segments: ["all", "vars", "ansible_port"], problem: "must be ..." }]
 */
export function explainAjvErrors(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const list = errors ?? [];
  const unions = list.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const kept = list.filter(
    (e) =>
      !unions.some(
        (u) => u !== e && u.instancePath === e.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`),
      ),
  );
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const error of kept) {
    const problem = explain(error);
    const key = `${problem.segments.join("/")}\n${problem.problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
