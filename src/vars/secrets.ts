/**
 * Secret variables: a schema node marked `"x-ops-secret": true` (a password, at any depth: a
 * variable, a property of its objects, the items of its arrays). Their values are collected for the
 * run's redactor, and validation never quotes them back. Pure.
 */
import type { SchemaNode } from "../schema/describe.js";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const childOf = (node: SchemaNode, key: string | number): SchemaNode | undefined => {
  if (typeof key === "number" || /^\d+$/.test(String(key))) {
    if (isObject(node.items)) return node.items;
  }
  const props = node.properties;
  if (props && Object.hasOwn(props, String(key))) return props[String(key)];
  const patterns = isObject(node.patternProperties) ? Object.values(node.patternProperties) : [];
  const extra = node.additionalProperties ?? patterns[0];
  return isObject(extra) ? (extra as SchemaNode) : undefined;
};

/**
 * Whether the value at `segments` (a variable name, then keys and indexes) is secret or inside one.
 *
 * @example isSecretPath(schema, ["registry_users", "0", "password"]) === true
 */
export function isSecretPath(schema: SchemaNode, segments: readonly (string | number)[]): boolean {
  let node: SchemaNode | undefined = schema;
  for (const segment of segments) {
    node = node === undefined ? undefined : childOf(node, segment);
    if (node === undefined) return false;
    if (node["x-ops-secret"] === true) return true;
  }
  return false;
}

/** Every scalar inside a secret value (a map of tokens: its values, not its keys). */
function leaves(value: unknown, out: Set<string>): void {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    out.add(String(value));
  else if (Array.isArray(value)) value.forEach((v) => leaves(v, out));
  else if (isObject(value)) Object.values(value).forEach((v) => leaves(v, out));
}

/** Every secret value in `value`, read along `node` (numbers and booleans as the text they mask). */
function collect(node: SchemaNode | undefined, value: unknown, out: Set<string>): void {
  if (node === undefined || value === undefined || value === null) return;
  if (node["x-ops-secret"] === true) {
    leaves(value, out);
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => collect(childOf(node, i), v, out));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) collect(childOf(node, k), v, out);
}

/**
 * The secret values among one host's variables.
 *
 * @example secretValues(schema, { registry_users: [{ name: "dev", password: "s3cret" }] }) // ["s3cret"]
 */
export function secretValues(schema: SchemaNode, vars: Record<string, unknown>): string[] {
  const out = new Set<string>();
  collect(schema, vars, out);
  return [...out].filter((s) => s !== "");
}
