/**
 * Fixture JSON <-> runtime values: Buffers are `{ "base64": "..." }` in JSON, Maps are objects, so
 * cases stay plain data and comparisons are deep-equal on JSON-shaped values.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export function toPlain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { base64: value.toString("base64") };
  if (value instanceof Map) return toPlain(Object.fromEntries(value));
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/** The reverse: `{ "base64": … }` -> Buffer, `{ "file": "rel/path" }` -> that file's bytes (relative to `dir`). */
export function fromPlain(value: unknown, dir: string): unknown {
  if (Array.isArray(value)) return value.map((v) => fromPlain(v, dir));
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    const rec = value as Record<string, unknown>;
    if (keys.length === 1 && typeof rec.base64 === "string") return Buffer.from(rec.base64, "base64");
    if (keys.length === 1 && typeof rec.file === "string") return readFileSync(resolve(dir, rec.file));
    return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, fromPlain(v, dir)]));
  }
  return value;
}

/** JSON files of a fixture folder, sorted, as [name, parsed] pairs. */
export function readCases(dir: string, files: readonly string[]): [string, unknown][] {
  return files
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => [f.replace(/\.json$/, ""), JSON.parse(readFileSync(resolve(dir, f), "utf8")) as unknown]);
}
