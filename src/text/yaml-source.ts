/**
 * A parsed YAML file that remembers where each value sits, so every error can name a line.
 * Pure: takes the text, never reads the disk.
 */
import {
  Composer,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  type Document,
  type Pair,
  type YAMLMap,
} from "yaml";
import { ConfigError, ConfigErrors } from "../errors.js";
import { checkDocument, MAX_DEPTH, tooDeepAt } from "../inventory/yaml-checks.js";
import { readPlainYaml } from "./yaml-fast.js";
import { vaultTag } from "../vault/tag.js";
import { timestampsAsText } from "./yaml-tags.js";

/** Segments of a path inside a YAML document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

export interface YamlOptions {
  /**
   * Every mapping key is the text written: in ops's own files keys are names, and YAML 1.1 would
   * read `yes:` or `on:` as the key `true` (the values stay YAML 1.1: `become: yes` is true).
   */
  stringKeys?: boolean;
}

export interface YamlSource {
  file: string;
  /** The document as plain JS (YAML null for an empty file). */
  data: unknown;
  /** The 1-based line of the key (or item) at `path`; the nearest known ancestor's line if absent. */
  lineOf(path: YamlPath): number;
}

/** Joins a path the way messages show it: `all.children.el9.hosts.el9-1.ansible_port`. */
export function dotPath(path: YamlPath): string {
  return path.map(String).join(".");
}

/** The first document of the text; a second one is an error, as in yaml's parseDocument. */
function composeFirst(text: string, lineCounter: LineCounter, file: string, options: YamlOptions): Document {
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeepAt(tokens);
  if (deep !== undefined) {
    throw new ConfigError(`malformed YAML: nested more than ${MAX_DEPTH} levels deep`, {
      file,
      line: lineCounter.linePos(deep).line,
    });
  }
  // Unique keys are checked by checkDocument in linear time; the composer's own check is quadratic.
  // `!vault` values (Ansible's inline vaults) become VaultedText, opened once a password is known.
  // A timestamp stays the text written (yaml-tags.ts).
  const composer = new Composer({
    version: "1.1",
    uniqueKeys: false,
    ...(options.stringKeys === true ? { stringKeys: true } : {}),
    customTags: (tags) => [...timestampsAsText(tags), vaultTag],
  });
  let doc: Document | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      const line = lineCounter.linePos(next.range[0]).line;
      throw new ConfigError("malformed YAML: the file holds more than one document", { file, line });
    }
  }
  if (!doc) throw new ConfigError("malformed YAML: no document", { file });
  return doc;
}

/**
 * Finds pairs by key in O(1): an index per mapping, built the first time a lookup passes through
 * it, so asking the line of 20,000 hosts' variables stays linear.
 */
function pairIndex(): (map: YAMLMap, key: string) => Pair | undefined {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  return (map, key) => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (k !== undefined && !index.has(k)) index.set(k, pair as Pair);
      }
      indexes.set(map, index);
    }
    return index.get(key);
  };
}

/**
 * Parses YAML as Ansible does (YAML 1.1, so `yes`/`no`/`on`/`off` are booleans, as in the
 * inventories users already have), but a date or timestamp (`2027-01-31`) is the text written, a
 * string, never a Date. Malformed YAML is a ConfigError at yaml's own line; so are a
 * repeated key, nesting deeper than MAX_DEPTH and a number that is not finite (`1e400`, `.inf`).
 * Connection secrets (`ansible_password`, `become_password`, ...) keep the text written: `0123`
 * stays "0123".
 *
 * Plain YAML (most files, and every large inventory) is read by the fast reader; its lines are
 * found by the full reader only when something asks for one (an error, where a variable came from).
 *
 * @example parseYaml("all:\n  hosts:\n    el9-1:\n", "hosts.yaml").lineOf(["all", "hosts", "el9-1"]) === 3
 */
export function parseYaml(text: string, file: string, options: YamlOptions = {}): YamlSource {
  if (text.startsWith("$ANSIBLE_VAULT;")) {
    throw new ConfigError(
      "file is encrypted with ansible-vault, and vaults are not read here",
      { file, line: 1 },
      "vault-encrypted files are read as inventories, group_vars, host_vars and -e @file; decrypt this one",
    );
  }
  // The fast reader resolves keys as YAML 1.1 does; string keys are the full reader's.
  const plain = options.stringKeys === true ? undefined : readPlainYaml(text);
  if (!plain) return parseYamlFully(text, file, options);
  let full: YamlSource | undefined;
  return {
    file,
    data: plain.data,
    lineOf: (path) => (full ??= parseYamlFully(text, file)).lineOf(path),
  };
}

/** The full reader: composes the document with `yaml`, checks it, and keeps every node's place. */
export function parseYamlFully(text: string, file: string, options: YamlOptions = {}): YamlSource {
  const lineCounter = new LineCounter();
  const doc = composeFirst(text, lineCounter, file, options);
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  const first = doc.errors[0];
  if (first) {
    const message = first.message.split("\n")[0] ?? "";
    throw new ConfigError(`malformed YAML: ${message}`, { file, line: lineAt(first.pos[0]) });
  }
  const problems = checkDocument(doc, file, lineAt);
  if (problems.length === 1 && problems[0]) throw problems[0];
  if (problems.length > 1) throw new ConfigErrors(problems);

  let data: unknown;
  try {
    // maxAliasCount stops a "billion laughs" document; an alias with no anchor also throws here.
    data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    throw new ConfigError(`malformed YAML: ${(e as Error).message}`, { file });
  }
  const pairOf = pairIndex();
  return {
    file,
    data,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = (isMap(node) || isSeq(node) || isScalar(node) ? lineAt(node.range?.[0]) : undefined) ?? 1;
      for (const segment of path) {
        if (isMap(node)) {
          const pair = pairOf(node, String(segment));
          if (!pair || !isScalar(pair.key)) return line;
          line = lineAt(pair.key.range?.[0]) ?? line;
          node = pair.value;
        } else if (isSeq(node) && typeof segment === "number") {
          node = node.items[segment];
          if (isMap(node) || isSeq(node) || isScalar(node)) line = lineAt(node.range?.[0]) ?? line;
        } else {
          return line;
        }
      }
      return line;
    },
  };
}
