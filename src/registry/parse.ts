/**
 * Validators for what a registry sends, by the OCI distribution spec's grammar: a registry is a peer,
 * and a name it lists goes into the next request's path and onto the terminal. Pure; each returns
 * the value or a string saying what is wrong (the caller names the registry).
 */

/** `path-component` of the distribution spec: lower-case alphanumerics joined by `.`, `_`, `__` or dashes. */
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** @example isRepository("team/app") === true; isRepository("../x") === false */
export const isRepository = (s: string): boolean => s.length <= 255 && REPOSITORY.test(s);
/** @example isTag("v1.2") === true */
export const isTag = (s: string): boolean => TAG.test(s);
/** A digest by the grammar, and a sha256 one of the right length. @example isDigest(`sha256:${"a".repeat(64)}`) */
export const isDigest = (s: string): boolean =>
  s.length <= 1024 && DIGEST.test(s) && (!s.startsWith("sha256:") || SHA256.test(s));

/** A Buffer, typed by what is used of it: this file is also bundled into the browser portal. */
interface Bytes {
  readonly length: number;
  toString(encoding: "utf8"): string;
}

/** The body as a JSON object, or what is wrong with it. @example parseJsonObject(Buffer.from("{}")) */
export function parseJsonObject(body: Bytes): Record<string, unknown> | string {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString("utf8"));
  } catch {
    return `the answer is not JSON (${body.length} bytes)`;
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return "the answer is not a JSON object";
  return doc as Record<string, unknown>;
}

/** A list of strings (null or absent: empty, as registries send for none). @example stringList(["a"], "tags") */
export function stringList(value: unknown, field: string): string[] | string {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return `'${field}' is not a list`;
  if (!value.every((v): v is string => typeof v === "string"))
    return `'${field}' holds something that is not a string`;
  return value;
}

export interface Descriptor {
  readonly digest: string;
  readonly size: number;
}

/** Descriptors (`config`, `layers[]`, `manifests[]`): a digest and a size in bytes each; nulls skipped. */
export function asDescriptorList(values: readonly unknown[]): Descriptor[] | string {
  const out: Descriptor[] = [];
  for (const v of values) {
    if (v === null) continue;
    if (typeof v !== "object" || Array.isArray(v)) return "a descriptor is not an object";
    const { digest, size } = v as { digest?: unknown; size?: unknown };
    if (typeof digest !== "string" || !isDigest(digest)) return "a descriptor's digest is not a digest";
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)
      return "a descriptor's size is not a number of bytes";
    out.push({ digest, size });
  }
  return out;
}
