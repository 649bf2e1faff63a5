/**
 * Checks a playbook's variables against its JSON Schema: defaults applied, types checked by ajv
 * (all errors), unknown names caught with a did-you-mean. Pure, and it never throws: it returns
 * every problem so the user fixes them all in one go.
 */
import type { Ajv } from "ajv";
import { ConfigError, type Location } from "../errors.js";
import { createAjv, explainAjvErrors, type Validator } from "../schema/ajv.js";
import { schemaKey } from "../schema/schema-key.js";
import { varsValidators } from "../schema/validators.generated.js";
import { openVarsSchema } from "./open-schema.js";
import type { SchemaNode } from "../schema/describe.js";
import { setOwn } from "../text/own.js";
import { coerceText } from "./coerce.js";
import { isSecretPath } from "./secrets.js";
import { didYouMean } from "../schema/suggest.js";

/** Where a variable was set. `extra` marks `-e`, where an unknown name is always an error. */
export interface VarSource extends Location {
  extra?: boolean;
  /** The value is `-e key=value` text: it takes the variable's declared type (see coerce.ts). */
  text?: boolean;
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

export interface ValidateOptions {
  /**
   * Names other playbooks know: with an owned prefix they are not typos (an inventory shared by
   * install-engine and deploy-registry holds both playbooks' variables).
   */
  known?: ReadonlySet<string>;
}

export interface ValidatedVars {
  /** Only the schema's variables, defaults filled in (copies, so callers may mutate). */
  vars: Record<string, unknown>;
  errors: ConfigError[];
}

// Built-in playbooks' schemas are ops's own; a user's playbook reaches here only after
// loadPlaybook checked its schema against the meta-schema (checkSchema).
let ajv: Ajv | undefined;
const compiled = new WeakMap<VarsSchema, Validator>();

/**
 * The built-in playbooks' schemas are compiled ahead of time (src/schema/standalone.ts): compiling
 * install-engine's at every `ops check` cost more CPU than judging a host. Any other schema (a
 * user's playbook) is compiled here, once.
 */
function compile(schema: VarsSchema): Validator {
  let fn = compiled.get(schema);
  if (!fn) {
    // Unknown names are judged here (prefixes, -e), so ajv checks only the known ones.
    const full = openVarsSchema(schema);
    fn = varsValidators[schemaKey(full)] ?? (ajv ??= createAjv({ ownSchemas: true })).compile(full);
    compiled.set(schema, fn);
  }
  return fn;
}

/** `registry_mirrors` or `registry_mirrors[1]`, the way a user would point at the value. */
function subjectOf(segments: string[]): string {
  const [name = "variables", ...rest] = segments;
  return name + rest.map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("");
}

const own = <T>(map: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

function locate(name: string, sources: Record<string, VarSource>, path: string): Location {
  const src = own(sources, name);
  if (!src) return { path };
  const { extra: _extra, text: _text, ...loc } = src;
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
  options: ValidateOptions = {},
): ValidatedVars {
  const known = Object.keys(schema.properties);
  const prefixes = schema["x-ops-prefixes"] ?? [];
  const errors: ConfigError[] = [];
  const vars: Record<string, unknown> = {};

  const coerceFailed = new Set<string>();
  for (const [name, value] of Object.entries(input)) {
    const prop = own(schema.properties, name);
    if (prop) {
      if (typeof value === "string" && own(sources, name)?.text === true) {
        const shown = isSecretPath(schema, [name]) ? "a value not shown (secret)" : JSON.stringify(value);
        const coerced = coerceText(name, value, prop, shown);
        if ("error" in coerced) {
          coerceFailed.add(name);
          errors.push(new ConfigError(`${name} ${coerced.error}`, locate(name, sources, name), coerced.hint));
        }
        setOwn(vars, name, "value" in coerced ? coerced.value : value);
        continue;
      }
      setOwn(vars, name, value);
      continue;
    }
    const fromExtra = Object.hasOwn(sources, name) && sources[name]?.extra === true;
    if (!fromExtra && !prefixes.some((p) => name.startsWith(p))) continue; // another tool's variable
    if (options.known?.has(name)) continue; // another playbook's variable
    errors.push(
      new ConfigError(`unknown variable '${name}'`, locate(name, sources, name), didYouMean(name, known)),
    );
  }
  for (const [name, prop] of Object.entries(schema.properties)) {
    if (!Object.hasOwn(vars, name) && prop.default !== undefined)
      setOwn(vars, name, structuredClone(prop.default));
  }

  const validate = compile(schema);
  if (!validate(vars)) {
    for (const p of explainAjvErrors(validate.errors)) {
      const name = p.segments[0] ?? "";
      if (coerceFailed.has(name)) continue; // already said, in the type's own words
      const subject = subjectOf(p.segments);
      const src = own(sources, name);
      const kvString = src?.file === "-e" && typeof vars[name] === "string";
      const description = own(schema.properties, name)?.description;
      const hint = kvString
        ? `-e ${name}=... gives a string; pass JSON instead: -e '{"${name}": ...}'`
        : (p.hint ?? (description ? `${name}: ${description}` : undefined));
      // A secret's value is never quoted back: the message says what is wrong, not what was given.
      const problem = isSecretPath(schema, p.segments)
        ? p.problem.replace(/, got .*$/s, " (value not shown: secret)")
        : p.problem;
      errors.push(new ConfigError(`${subject} ${problem}`, locate(name, sources, subject), hint));
    }
  }
  return { vars, errors };
}
