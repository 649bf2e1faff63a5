/**
 * Checks a playbook's variables against its JSON Schema: defaults applied, types checked by ajv
 * (all errors), unknown names caught with a did-you-mean. Pure, and it never throws: it returns
 * every problem so the user fixes them all in one go.
 */
import type { ValidateFunction } from "ajv";
import { ConfigError, type Location } from "../errors.js";
import { createAjv, explainAjvErrors } from "./ajv.js";
import type { SchemaNode } from "./describe.js";
import { didYouMean } from "./suggest.js";

/** Where a variable was set. `extra` marks `-e`, where an unknown name is always an error. */
export interface VarSource extends Location {
  extra?: boolean;
}

/** A playbook's variables schema: `properties` with `type`, `default` and `description` each. */
export interface VarsSchema extends SchemaNode {
  type: "object";
  properties: Record<string, SchemaNode>;
  /**
   * Prefixes the playbook owns: an unknown name with one of them is a typo, not another tool's var.
   * @example ["docker_", "registry_", "insecure_"]
   */
  "x-ops-prefixes"?: string[];
}

export interface ValidatedVars {
  /** Only the schema's variables, defaults filled in (copies, so callers may mutate). */
  vars: Record<string, unknown>;
  errors: ConfigError[];
}

const ajv = createAjv();
const compiled = new WeakMap<VarsSchema, ValidateFunction>();

function compile(schema: VarsSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    // Unknown names are judged here (prefixes, -e), so ajv checks only the known ones.
    fn = ajv.compile({ ...schema, additionalProperties: true });
    compiled.set(schema, fn);
  }
  return fn;
}

/** `registry_mirrors` or `registry_mirrors[1]`, the way a user would point at the value. */
function subjectOf(segments: string[]): string {
  const [name = "variables", ...rest] = segments;
  return name + rest.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("");
}

function locate(name: string, sources: Record<string, VarSource>, path: string): Location {
  const src = sources[name];
  if (!src) return { path };
  const { extra: _extra, ...loc } = src;
  return { ...loc, path: src.path && src.path !== name ? src.path + path.slice(name.length) : path };
}

/**
 * Validates one host's merged variables.
 *
 * @example
 * const { vars, errors } = validateVars(schema, { registry_mirrors: "https://m" }, sources);
 * errors[0].message // "registry_mirrors must be an array of strings, got string"
 */
export function validateVars(
  schema: VarsSchema,
  input: Record<string, unknown>,
  sources: Record<string, VarSource>,
): ValidatedVars {
  const known = Object.keys(schema.properties);
  const prefixes = schema["x-ops-prefixes"] ?? [];
  const errors: ConfigError[] = [];
  const vars: Record<string, unknown> = {};

  for (const [name, value] of Object.entries(input)) {
    if (name in schema.properties) {
      vars[name] = value;
      continue;
    }
    const fromExtra = sources[name]?.extra === true;
    if (!fromExtra && !prefixes.some((p) => name.startsWith(p))) continue; // another tool's variable
    errors.push(
      new ConfigError(`unknown variable '${name}'`, locate(name, sources, name), didYouMean(name, known)),
    );
  }
  for (const [name, prop] of Object.entries(schema.properties)) {
    if (!(name in vars) && prop.default !== undefined) vars[name] = structuredClone(prop.default);
  }

  const validate = compile(schema);
  if (!validate(vars)) {
    for (const p of explainAjvErrors(validate.errors)) {
      const name = p.segments[0] ?? "";
      const subject = subjectOf(p.segments);
      const src = sources[name];
      const kvString = src?.file === "-e" && typeof vars[name] === "string";
      const description = schema.properties[name]?.description;
      const hint = kvString
        ? `-e ${name}=... gives a string; pass JSON instead: -e '{"${name}": ...}'`
        : (p.hint ?? (description ? `${name}: ${description}` : undefined));
      errors.push(new ConfigError(`${subject} ${p.problem}`, locate(name, sources, subject), hint));
    }
  }
  return { vars, errors };
}
