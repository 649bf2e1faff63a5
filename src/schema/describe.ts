/**
 * Words for what a JSON Schema expects and what a value is, so validation errors read
 * "registry_mirrors must be an array of strings, got string" instead of ajv's "must be array".
 */

/** The subset of JSON Schema that ops' schemas use, enough to describe them in words. */
export interface SchemaNode {
  type?: string | string[];
  items?: SchemaNode;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, SchemaNode>;
  default?: unknown;
  description?: string;
  /** Overrides the generated words, for nodes where they would be clumsy. */
  "x-expected"?: string;
  /** For a mapping whose keys have a form (patternProperties): that form, in words. */
  "x-expected-key"?: string;
  [key: string]: unknown;
}

const ARTICLE: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean (true or false)",
  object: "an object",
  array: "an array",
  null: "empty",
};

const PLURAL: Record<string, string> = {
  string: "strings",
  integer: "integers",
  number: "numbers",
  boolean: "booleans",
  object: "objects",
  array: "arrays",
};

function describeType(type: string, node: SchemaNode): string {
  if (type === "array" && node.items?.type && typeof node.items.type === "string") {
    return `an array of ${PLURAL[node.items.type] ?? node.items.type}`;
  }
  if ((type === "integer" || type === "number") && node.minimum !== undefined && node.maximum !== undefined) {
    return `${ARTICLE[type]} from ${node.minimum} to ${node.maximum}`;
  }
  return ARTICLE[type] ?? type;
}

/**
 * What a schema node accepts, in words.
 *
 * @example describeExpected({ type: "array", items: { type: "string" } }) === "an array of strings"
 */
export function describeExpected(node: SchemaNode): string {
  if (typeof node["x-expected"] === "string") return node["x-expected"];
  if (node.enum) return `one of ${node.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) return alternatives.map(describeExpected).join(" or ");
  const types = typeof node.type === "string" ? [node.type] : (node.type ?? []);
  if (types.length === 0) return "a valid value";
  return types.map((t) => describeType(t, node)).join(" or ");
}

/**
 * The JSON type of a value as users write it (YAML null is "null", a whole number "integer").
 *
 * @example typeOfValue([1]) === "array"; typeOfValue(22) === "integer"
 */
export function typeOfValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** A value shortened for a message: its type, or the value itself when the type was right. */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
