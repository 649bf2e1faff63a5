/**
 * Ansible's habit for `-e key=value`: the text takes the variable's declared type. `-e
 * docker_remove_conflicts=no` is false and `-e registry_port=5000` is 5000, as an Ansible user
 * expects; text that does not fit the type is an error that names the type, never a silent string.
 * Lists and objects stay JSON (`-e '{"registry_mirrors": [...]}'`): a comma split would guess.
 */
import type { SchemaNode } from "../schema/describe.js";

export type Coerced = { readonly value: unknown } | { readonly error: string; readonly hint?: string };

// Ansible's boolean words (module_utils/parsing/convert_bool.py: BOOLEANS_TRUE/FALSE), case-insensitive.
export const ANSIBLE_TRUE: ReadonlySet<string> = new Set(["y", "yes", "on", "1", "true", "t"]);
export const ANSIBLE_FALSE: ReadonlySet<string> = new Set(["n", "no", "off", "0", "false", "f"]);

/** The JSON Schema types a node allows: its `type`, or those of its anyOf/oneOf branches. */
function typesOf(node: SchemaNode): Set<string> {
  const own = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  const branches = [...(node.anyOf ?? []), ...(node.oneOf ?? [])].flatMap((b) => [...typesOf(b)]);
  return new Set([...own, ...branches]);
}

/**
 * @param shown the text as an error may quote it (a secret's is replaced before it gets here)
 * @example coerceText("no", { type: "boolean" }) // { value: false }
 * @example coerceText("50o0", { type: "integer" }) // { error: "must be a whole number, got \"50o0\"" }
 */
export function coerceText(name: string, text: string, node: SchemaNode, shown = `"${text}"`): Coerced {
  const types = typesOf(node);
  // A string (or an untyped value) stays as typed: "24.0" is a version, not a number.
  if (types.size === 0 || types.has("string")) return { value: text };
  const word = text.trim().toLowerCase();
  if (types.has("boolean")) {
    if (ANSIBLE_TRUE.has(word)) return { value: true };
    if (ANSIBLE_FALSE.has(word)) return { value: false };
  }
  if (types.has("integer") && /^[+-]?\d+$/.test(word)) {
    const n = Number(word);
    if (Number.isSafeInteger(n)) return { value: n };
  }
  if (types.has("number") && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(word)) {
    const n = Number(word);
    if (Number.isFinite(n)) return { value: n };
  }
  if (types.has("null") && (word === "null" || word === "")) return { value: null };
  if (types.has("array") || types.has("object")) {
    const what = types.has("array") ? "a list" : "a mapping";
    return {
      error: `is ${what}; -e ${name}=... gives text`,
      hint: `pass it as JSON: -e '{"${name}": ${types.has("array") ? "[...]" : "{...}"}}'`,
    };
  }
  const expected = [
    ...(types.has("boolean") ? ["true/false/yes/no"] : []),
    ...(types.has("integer") ? ["a whole number"] : []),
    ...(types.has("number") ? ["a number"] : []),
  ];
  return { error: `must be ${expected.join(" or ") || [...types].join(" or ")}, got ${shown}` };
}
