/**
 * The pure inventory validator, in the project's three steps: the JSON Schema in
 * inventory/schema.json (shapes and connection-key types, all errors collected), then named
 * cross-field rules over the group tree. Every error carries file, dot-path and line.
 */
import { ConfigError } from "../errors.js";
import { explainAjvErrors, type Validator } from "../schema/ajv.js";
// inventory/schema.json, compiled ahead of time (src/schema/standalone.ts): no ajv work at start-up.
import {
  validateInventory as validateTree,
  validateInventoryVars as validateVarsData,
} from "../schema/validators.generated.js";
import { walkTree, type InventoryTree } from "./tree.js";
import { dotPath, type YamlPath, type YamlSource } from "../text/yaml-source.js";

/** "host 'el9-1'" or "group 'el9'" when the path ends at one, else the key itself. */
function subject(path: YamlPath): string {
  const last = String(path[path.length - 1] ?? "inventory");
  const parent = path[path.length - 2];
  if (parent === "hosts") return `host '${last}'`;
  if (parent === "children" || (path.length === 1 && parent === undefined)) return `group '${last}'`;
  return last;
}

function errorAt(src: YamlSource, path: YamlPath, message: string, hint?: string): ConfigError {
  const at = path.length > 0 ? { path: dotPath(path) } : {};
  return new ConfigError(message, { file: src.file, ...at, line: src.lineOf(path) }, hint);
}

function schemaErrors(src: YamlSource, validate: Validator, label: (p: YamlPath) => string) {
  if (validate(src.data)) return [];
  // ajv reports in schema order; users read a file top to bottom.
  return explainAjvErrors(validate.errors)
    .map((p) => errorAt(src, p.segments, `${label(p.segments)} ${p.problem}`, p.hint))
    .sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
}

/** A named cross-field rule: what JSON Schema cannot say about the tree as a whole. */
export interface InventoryRule {
  name: string;
  check(tree: InventoryTree, src: YamlSource): ConfigError[];
}

export const inventoryRules: InventoryRule[] = [
  {
    // Ansible would silently pick one meaning; --limit and group_vars would then surprise the user.
    name: "host-and-group-names-differ",
    check(tree, src) {
      const groups = new Set(tree.blocks.map((b) => b.name));
      const reported = new Set<string>();
      return tree.hosts
        .filter((h) => groups.has(h.name) && !reported.has(h.name) && reported.add(h.name))
        .map((h) => errorAt(src, h.path, `'${h.name}' is both a host and a group`, "rename one of them"));
    },
  },
  {
    // `all` is the root of every inventory; as someone's child it would make a cycle.
    name: "all-is-never-a-child",
    check(tree, src) {
      return tree.blocks
        .filter((b) => b.name === "all" && b.parent !== undefined)
        .map((b) => errorAt(src, b.path, "group 'all' cannot be the child of another group"));
    },
  },
  {
    // Groups defined in separate blocks can still form a loop (a > b here, b > a there).
    name: "no-group-cycles",
    check(tree, src) {
      const parents = new Map<string, Set<string>>();
      for (const b of tree.blocks) {
        // `all` under another group is the rule above's to report, not a cycle here.
        if (b.parent === undefined || b.name === "all") continue;
        parents.set(b.name, (parents.get(b.name) ?? new Set()).add(b.parent));
      }
      const reaches = (from: string, target: string, seen: Set<string>): boolean => {
        for (const p of parents.get(from) ?? []) {
          if (p === target) return true;
          if (!seen.has(p) && (seen.add(p), reaches(p, target, seen))) return true;
        }
        return false;
      };
      const errors = new Map<string, ConfigError>();
      for (const b of tree.blocks) {
        if (b.parent === undefined || errors.has(b.name) || !reaches(b.name, b.name, new Set())) continue;
        errors.set(b.name, errorAt(src, b.path, `group '${b.name}' is its own ancestor`));
      }
      return [...errors.values()];
    },
  },
];

/**
 * Every problem of an inventory file, or [] when it is sound. Does not throw.
 *
 * @example validateInventory(parseYaml("all:\n  hosts:\n    el9-1: oops\n", "hosts.yaml"))
 * // [ConfigError("host 'el9-1' must be a mapping of variables (or empty), got string", { line: 3 })]
 */
export function validateInventory(src: YamlSource): ConfigError[] {
  const errors = schemaErrors(src, validateTree, subject);
  // The rules read the tree's shape, which is only trustworthy once the schema passed.
  if (errors.length > 0) return errors;
  const tree = walkTree(src.data);
  return inventoryRules.flatMap((rule) => rule.check(tree, src));
}

/**
 * Problems of a group_vars/host_vars file (a mapping of variables; connection keys typed).
 *
 * @example validateVarsFile(parseYaml("ansible_port: ssh\n", "group_vars/el9.yml"))[0].message
 * // "ansible_port must be an integer from 1 to 65535, got string"
 */
export function validateVarsFile(src: YamlSource): ConfigError[] {
  return schemaErrors(src, validateVarsData, (p) => (p.length === 0 ? "the file" : String(p[p.length - 1])));
}
