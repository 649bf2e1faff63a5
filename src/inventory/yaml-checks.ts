/**
 * What ops asks of a YAML document beyond what the parser checks, each done in one linear pass so
 * a 20,000-host inventory costs no more per host than a 20-host one:
 * - nesting depth, checked on the parser's token tree before anything recursive runs, so a hostile
 *   `[[[[...` is an error instead of a stack overflow;
 * - unique keys, with a hash set per mapping (the parser's own check compares every key with every
 *   earlier one: quadratic in the size of a mapping such as a group's `hosts:`);
 * - connection secrets keep the exact text written (YAML 1.1 would read `0123` as 83, `1e3` as 1000,
 *   `yes` as true);
 * - no number is infinite or NaN (`1e400` would become Infinity, then null in daemon.json).
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type CST, type Document, type Pair } from "yaml";
import { ConfigError } from "../errors.js";
import { SECRET_KEYS } from "./connection.js";
import { VaultedText } from "../vault/tag.js";

/** Deep enough for any inventory (about 30 nested groups) or daemon.json; far below the stack's limit. */
export const MAX_DEPTH = 64;

/**
 * The offset of the first token nested deeper than MAX_DEPTH, or undefined. Iterative: the token
 * tree of `[[[[...` 100,000 deep is walked without recursion.
 *
 * @example tooDeepAt([...new Parser().parse("[".repeat(100))]) // 64
 */
export function tooDeepAt(tokens: readonly CST.Token[]): number | undefined {
  // Two parallel stacks (token, depth) and only collections pushed: the walk allocates nothing per token.
  const stack: CST.Token[] = [...tokens];
  const depths: number[] = tokens.map(() => 0);
  for (let token = stack.pop(); token; token = stack.pop()) {
    const depth = depths.pop() ?? 0;
    if (depth > MAX_DEPTH) return token.offset;
    if (token.type === "document" && token.value) {
      stack.push(token.value);
      depths.push(depth);
    } else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      for (const item of token.items) {
        const key = "key" in item ? item.key : undefined;
        if (key && isCollectionToken(key)) {
          stack.push(key);
          depths.push(depth + 1);
        }
        if (item.value && isCollectionToken(item.value)) {
          stack.push(item.value);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

function isCollectionToken(token: CST.Token): boolean {
  return token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection";
}

/** How the parser compares scalar keys (`a.value === b.value`), as a string a Set can hold. */
function keyIdentity(value: unknown): string {
  return `${typeof value}:${String(value)}`;
}

/** A key for a message: quoted, control characters escaped, long ones cut. */
function showKey(value: unknown): string {
  const text = JSON.stringify(String(value)).slice(1, -1);
  return `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;
}

/** A secret's scalar as written: a plain `0123` becomes "0123". Null (no password) stays null. */
function asText(node: Scalar): Scalar | undefined {
  if (node.value === null || typeof node.value === "string" || node.value instanceof VaultedText)
    return undefined;
  return new Scalar(typeof node.source === "string" ? node.source : String(node.value));
}

/** A node to visit, with its parent frame and key: the path is built only for a message. */
interface Frame {
  node: unknown;
  parent?: Frame;
  key?: string;
  /** Set when the node is the value of a connection secret: the pair to rewrite. */
  secret?: Pair;
}

function dotPath(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | undefined = frame; f?.key !== undefined; f = f.parent) keys.push(f.key);
  return keys.reverse().join(".");
}

/**
 * Every problem of a composed document (duplicate keys, collection keys, non-finite numbers, an
 * alias inside the node it names), with secrets turned into their source text on the way. Walks in
 * document order without recursion, so an anchor is always known before the aliases that use it.
 * `lineAt` maps an offset to a 1-based line.
 *
 * @example checkDocument(parseDocument("a: 1\na: 2\n"), file, lineAt)[0].message
 * // "malformed YAML: Map keys must be unique ('a' is also on line 1)"
 */
export function checkDocument(
  doc: Document,
  file: string,
  lineAt: (offset: number | undefined) => number | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const fail = (message: string, offset: number | undefined, hint?: string, path?: string) =>
    errors.push(new ConfigError(message, { file, ...(path ? { path } : {}), line: lineAt(offset) }, hint));
  // The latest node of each anchor name and where it ends, as YAML resolves `*name`.
  const anchors = new Map<string, { node: unknown; end: number }>();
  const stack: Frame[] = [{ node: doc.contents }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const { node, secret } = frame;
    if ((isMap(node) || isSeq(node) || isScalar(node)) && node.anchor) {
      anchors.set(node.anchor, { node, end: node.range?.[1] ?? 0 });
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const at = node.range?.[0] ?? 0;
      if (target && at < target.end && !isScalar(target.node)) {
        fail(`malformed YAML: alias *${node.source} is inside the value it names (a loop)`, at);
      } else if (secret && isScalar(target?.node)) {
        const text = asText(target.node);
        if (text) secret.value = text;
      }
    } else if (isMap(node)) {
      const seen = new Map<string, number | undefined>(); // key -> offset of its first use
      const children: Frame[] = [];
      for (const pair of node.items) {
        const key = pair.key;
        // `? !!binary ...` or a `!vault` key: neither is a name.
        const binary = isScalar(key) && (key.value instanceof Uint8Array || key.value instanceof VaultedText);
        if (isMap(key) || isSeq(key) || isAlias(key) || binary) {
          fail(
            "malformed YAML: a key must be a plain name, not a list, mapping, alias or binary",
            key.range?.[0],
          );
          continue;
        }
        const name = isScalar(key) ? key.value : null;
        // YAML 1.1 merge keys (`<<`) may repeat; the parser gives them a symbol.
        if (typeof name !== "symbol") {
          const id = keyIdentity(name);
          const offset = isScalar(key) ? key.range?.[0] : undefined;
          if (seen.has(id)) {
            const first = lineAt(seen.get(id));
            const also = first === undefined ? "" : ` (${showKey(name)} is also on line ${first})`;
            fail(`malformed YAML: Map keys must be unique${also}`, offset);
          } else seen.set(id, offset);
        }
        const isSecret = SECRET_KEYS.has(String(name));
        children.push(
          isSecret
            ? { node: pair.value, parent: frame, key: String(name), secret: pair as Pair }
            : { node: pair.value, parent: frame, key: String(name) },
        );
      }
      stack.push(...children.reverse());
    } else if (isSeq(node)) {
      const children = node.items.map((item, i): Frame => ({ node: item, parent: frame, key: String(i) }));
      stack.push(...children.reverse());
    } else if (isScalar(node)) {
      if (secret) {
        const text = asText(node);
        if (text) node.value = text.value;
      } else if (typeof node.value === "number" && !Number.isFinite(node.value)) {
        const where = dotPath(frame);
        const text = typeof node.source === "string" ? node.source : String(node.value);
        fail(
          `${where || "the value"} must be a finite number, got ${text}`,
          node.range?.[0],
          "a number this large (or .inf/.nan) cannot be written as JSON; quote it if it is text",
          where,
        );
      }
    }
  }
  return errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
}
