/**
 * Small edits to a YAML document that keep everything else as it was: comments, key order and keys
 * ops does not know. Used for both files the wizard writes, new or existing.
 */
import { printable } from "../report/printable.js";
import { Document, isMap, isScalar, parseDocument, Scalar, YAMLMap, type Node, type Pair } from "yaml";

/**
 * Parses a file for editing. YAML 1.1 like the inventory reader, so Ansible's `yes`/`no` stay as
 * written; an empty text gives an empty document.
 */
export function editableDocument(text: string | undefined): Document {
  const doc = parseDocument(text ?? "", { version: "1.1", keepSourceTokens: false });
  if (doc.contents === null) doc.contents = new YAMLMap() as unknown as typeof doc.contents;
  return doc;
}

/**
 * The map at `path`, created (as plain block maps) where missing. A value that is there but not a
 * map (`hosts:` left empty) is replaced by an empty map.
 *
 * @example mapAt(doc, ["all", "children", "el9", "hosts"]).set("el9-1", new YAMLMap())
 */
export function mapAt(doc: Document, path: readonly string[]): YAMLMap {
  let node: unknown = doc.contents;
  if (!isMap(node)) throw new Error("the document is not a map");
  for (const key of path) {
    const map: YAMLMap = node as YAMLMap;
    let next: unknown = map.get(key, true);
    if (!isMap(next)) {
      // Intermediate maps are made here, not by setIn: under YAML 1.1 setIn would make !!omap.
      next = new YAMLMap();
      map.set(key, next);
    }
    node = next;
  }
  return node as YAMLMap;
}

/** The pair of `key` in `map`, if any. */
function pairOf(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
}

/**
 * Sets `key` to `value` in `map` with a comment line above it (replacing an earlier comment, so
 * editing twice does not pile them up). An existing key keeps its place.
 *
 * @example setWithComment(doc, vars, "ansible_user", "root", "the SSH user ops init was given")
 */
export function setWithComment(
  doc: Document,
  map: YAMLMap,
  key: string,
  value: unknown,
  comment?: string,
  inline = false,
): void {
  const node = (value instanceof YAMLMap || value instanceof Scalar ? value : doc.createNode(value)) as Node;
  const pair = pairOf(map, key);
  if (pair) pair.value = node;
  else map.add(doc.createPair(key, node));
  const target = pairOf(map, key);
  if (!target || comment === undefined) return;
  if (!isScalar(target.key)) target.key = new Scalar(key);
  const keyNode = target.key as Scalar;
  // Comments carry what hosts said (an OS name, a kernel): no control character may reach the file.
  if (inline) {
    keyNode.comment = ` ${printable(comment)}`;
    dropEcho(target.value, printable(comment));
  } else
    keyNode.commentBefore = printable(comment, true)
      .split("\n")
      .map((l) => ` ${l}`)
      .join("\n");
}

/**
 * yaml reads `key: # comment` over a map back as a comment before the map's first key; writing the
 * inline comment again would then show it twice. The echo is removed where yaml put it.
 */
function dropEcho(value: unknown, comment: string): void {
  if (!isMap(value)) return;
  const same = (c: string | null | undefined) => c?.trim() === comment.trim();
  if (same(value.commentBefore)) value.commentBefore = null;
  const firstKey = value.items[0]?.key;
  if (isScalar(firstKey) && same(firstKey.commentBefore)) firstKey.commentBefore = null;
}

/** The scalar value at `key` of a map, as text, or undefined. */
export function textAt(map: YAMLMap, key: string): string | undefined {
  const v = map.get(key);
  return v === undefined || v === null ? undefined : String(v);
}
