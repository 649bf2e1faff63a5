/**
 * A parsed YAML file that remembers where each value sits, so every error can name a line.
 * Pure: takes the text, never reads the disk.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { ConfigError } from "../errors.js";

/** Segments of a path inside a YAML document: map keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

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

/**
 * Parses YAML as Ansible does (YAML 1.1, so `yes`/`no`/`on`/`off` are booleans, as in the
 * inventories users already have). Malformed YAML is a ConfigError at yaml's own line.
 *
 * @example parseYaml("all:\n  hosts:\n    el9-1:\n", "hosts.yaml").lineOf(["all", "hosts", "el9-1"]) === 3
 */
export function parseYaml(text: string, file: string): YamlSource {
  if (text.startsWith("$ANSIBLE_VAULT;")) {
    throw new ConfigError(
      "file is encrypted with ansible-vault, which ops cannot read",
      { file, line: 1 },
      "decrypt it, or move the secrets to ssh-agent / a vars file given with -e @file",
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: "1.1", prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    // yaml's message repeats the position and a code frame; the Location already carries the line.
    const message = first.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "";
    throw new ConfigError(`malformed YAML: ${message}`, { file, line: first.linePos?.[0].line });
  }
  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  return {
    file,
    data: doc.toJS({ maxAliasCount: 1000 }) as unknown,
    lineOf(path) {
      let node: unknown = doc.contents;
      let line = (isMap(node) || isSeq(node) || isScalar(node) ? lineAt(node.range?.[0]) : undefined) ?? 1;
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
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
