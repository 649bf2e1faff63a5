/**
 * The fast reader of plain YAML: the data of a document that uses only the common subset of YAML
 * (block and flow collections, plain and quoted scalars, comments), read by js-yaml, which is about
 * ten times faster than `yaml`'s composer on a large inventory (20,000 hosts: 0.2 s instead of
 * 2.2 s). It answers only where it is sure to give exactly what the full reader
 * (yaml-source.ts) gives, and says "not sure" (undefined) for everything else, which the full
 * reader then reads: anchors, aliases, tags, merge keys, explicit or collection keys, directives,
 * scalars over several lines, tabs and unusual characters, connection secrets (kept as their source text), numbers that are
 * not finite, nesting deeper than MAX_DEPTH, and any text js-yaml rejects. So errors, their lines
 * and every rule of the full reader stay the full reader's; this one only makes valid files fast.
 *
 * Plain scalars are resolved by `yaml`'s own YAML 1.1 tags (the same tests, in the same order,
 * the same resolve functions, yaml-tags.ts), so `yes`, `0123`, `1:20` and `2024-01-01` (text, not
 * a date) mean here what they mean there. test/unit/text/yaml-fast.fuzz.test.ts compares the two readers on generated documents.
 */
import { FAILSAFE_SCHEMA, load, Type } from "js-yaml";
import type { ScalarTag } from "yaml";
import { SECRET_KEYS } from "../inventory/connection.js";
import { MAX_DEPTH } from "../inventory/yaml-checks.js";
import { yaml11ScalarTags } from "./yaml-tags.js";

/**
 * Characters the fast reader leaves to the full one. Indicators: `&` `*` anchors and aliases, `!`
 * tags, `%` directives, `?` explicit keys, `<` merge keys (`<<`). Whitespace: tab and CR (their
 * folding rules differ between parsers). Anything outside printable ASCII and the BMP's ordinary
 * letters: NEL and the line and paragraph separators are line breaks in YAML 1.1, a BOM or a
 * surrogate is better read by the reader that reports lines.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const NOT_PLAIN = /[&*!%?<\t\r\0-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;

/**
 * A sequence nested in a sequence on the same line (`- - a`): js-yaml reads a following `- b`
 * line into the inner sequence when the inner item is empty (`- -`), `yaml` into the outer one.
 */
const NESTED_COMPACT_SEQUENCE = /^ *- +-(?: |$)/m;

/**
 * A sequence item with nothing after its dash on that line (`-`, then the item on the next
 * lines, or an empty item): js-yaml can read a following, less indented `- b` into it.
 */
const DASH_ALONE = /^ *-[ ]*(?:#.*)?$/m;

/**
 * `#` right after a quoted scalar or a flow collection (`''#`, `[a]#`): js-yaml reads a comment,
 * `yaml` refuses it (a comment needs white space before it).
 */
const HASH_AFTER_CLOSE = /['"\]}]#/;

/**
 * A line that starts with `---` or `...` after the first: a document marker, or (`---a`) a plain
 * scalar that js-yaml reads as a marker. One `---` line at the very start is the common case.
 */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)/m;
const LEADING_MARKER = /^---[ ]*\n/;

/** `yaml`'s options as the full reader's Composer uses them (ints as numbers). */
const RESOLVE_OPTIONS: Parameters<ScalarTag["resolve"]>[2] = { intAsBigInt: false };

/** Thrown from inside js-yaml when a scalar cannot be resolved as `yaml` would. */
class NotSure extends Error {}

/** A resolved value as `doc.toJS()` gives it: a Scalar's value, a bigint as a number. */
function asJs(value: unknown): unknown {
  const inner = value !== null && typeof value === "object" && "value" in value ? value.value : value;
  return typeof inner === "bigint" ? Number(inner) : inner;
}

/**
 * js-yaml implicit types made from `yaml`'s YAML 1.1 scalar tags that apply to plain scalars,
 * in their order. Each gets a tag name of its own: js-yaml keeps one type per tag name, and these
 * names are never written in a document (a `!` sends it to the full reader).
 */
function implicitTypes(): Type[] {
  return yaml11ScalarTags()
    .filter((tag) => tag.default === true && tag.test !== undefined && !tag.collection)
    .map(
      (tag, i) =>
        new Type(`tag:ops.invalid,yaml-1.1:${i}`, {
          kind: "scalar",
          resolve: (data: unknown) => typeof data === "string" && (tag.test as RegExp).test(data),
          construct: (data: string) =>
            asJs(
              tag.resolve(
                data,
                () => {
                  throw new NotSure();
                },
                RESOLVE_OPTIONS,
              ),
            ),
        }),
    );
}

const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: implicitTypes() });

/** Counts of what the data holds, to compare with what js-yaml composed. */
interface Shape {
  collections: number;
  /** False when the data holds what the full reader treats differently (see `inspect`). */
  plain: boolean;
}

/**
 * Walks the data without recursion: counts arrays and mappings, and finds what only the full
 * reader judges: numbers that are not finite, nesting deeper than MAX_DEPTH, a key `null`
 * (`~:` is "" there), a key that a collection turned into text (`[a, b]:` is "a,b" in js-yaml).
 */
function inspect(data: unknown): Shape {
  let collections = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, depth } = item;
    if (typeof value === "number" && !Number.isFinite(value)) return { collections, plain: false };
    if (value === null || typeof value !== "object") continue;
    if (depth >= MAX_DEPTH) return { collections, plain: false };
    collections++;
    if (Array.isArray(value)) {
      for (const v of value) stack.push({ value: v, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === "null" || key.includes(",") || key.includes("[object Object]"))
        return { collections, plain: false };
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return { collections, plain: true };
}

/**
 * True when the scalar that js-yaml read from `from` (where its node opened: before the spaces,
 * line breaks and comments in front of it) to `to` runs over more than one line. The readers fold
 * and indent multi-line scalars (quoted, plain or block) by rules that differ at the edges, so
 * those are the full reader's.
 */
function spansLines(text: string, from: number, to: number): boolean {
  let at = from;
  while (at < to) {
    const ch = text.charCodeAt(at);
    if (ch === 0x20 || ch === 0x0a) at++;
    else if (ch === 0x23 /* # */ && (at === 0 || text.charCodeAt(at - 1) <= 0x20)) {
      const end = text.indexOf("\n", at);
      at = end === -1 ? to : end;
    } else break;
  }
  const nl = text.indexOf("\n", at);
  return nl !== -1 && nl < to;
}

/**
 * The data of `text` when it is plain YAML that this reader is sure about, else undefined (never
 * throws). A collection used as a key is noticed by counting: js-yaml composes it but it does not
 * appear in the data, so the counts differ.
 *
 * @example readPlainYaml("all:\n  hosts:\n    el9-1: {ansible_port: 2222}\n")
 * // { data: { all: { hosts: { "el9-1": { ansible_port: 2222 } } } } }
 * @example readPlainYaml("a: &x 1\nb: *x\n") // undefined: anchors are the full reader's
 */
export function readPlainYaml(text: string): { data: unknown } | undefined {
  if (NOT_PLAIN.test(text) || NESTED_COMPACT_SEQUENCE.test(text) || DASH_ALONE.test(text)) return undefined;
  if (HASH_AFTER_CLOSE.test(text) || DOCUMENT_MARKER.test(text.replace(LEADING_MARKER, ""))) return undefined;
  for (const key of SECRET_KEYS) if (text.includes(key)) return undefined;
  let composed = 0;
  let multiLine = false;
  const opened: number[] = [];
  let data: unknown;
  try {
    data = load(text, {
      schema: SCHEMA,
      listener(event, state) {
        if (event === "open") {
          opened.push(state.position);
          return;
        }
        const from = opened.pop() ?? 0;
        if (state.kind === "sequence" || state.kind === "mapping") composed++;
        else if (state.kind === "scalar" && spansLines(text, from, state.position)) multiLine = true;
      },
    });
  } catch {
    return undefined; // malformed, duplicate keys, too deep for the stack, or a scalar not sure
  }
  if (multiLine) return undefined;
  if (data === undefined) return undefined; // an empty file: the full reader's null
  const shape = inspect(data);
  if (!shape.plain || shape.collections !== composed) return undefined;
  return { data };
}
