/**
 * Walks the group tree of an Ansible YAML inventory: every group definition and every host
 * mention, with its YAML path. Pure; the data has already passed the schema, so shapes are known.
 */
import type { YamlPath } from "../text/yaml-source.js";

export type Mapping = Record<string, unknown>;

/** One `name:` block of a group, wherever it appears (a group may be defined under several parents). */
export interface GroupBlock {
  name: string;
  /** The parent group, undefined for top-level groups (which Ansible makes children of `all`). */
  parent?: string;
  path: YamlPath;
  body: Mapping;
}

/** One mention of a host under some group's `hosts:`. */
export interface HostMention {
  name: string;
  group: string;
  path: YamlPath;
  /** Inline variables, empty for `el9-1:` with no value. */
  vars: Mapping;
}

export interface InventoryTree {
  blocks: GroupBlock[];
  hosts: HostMention[];
}

export function asMapping(value: unknown): Mapping {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Mapping) : {};
}

/**
 * Flattens the tree in document order, which is the inventory order users see in output.
 * Recursion stops at a group already on the current branch, so a cycle (reported by the rules)
 * cannot loop forever.
 *
 * @example walkTree({ all: { hosts: { a: null } } }).hosts[0] // { name: "a", group: "all", path: ["all", "hosts", "a"], vars: {} }
 */
export function walkTree(data: unknown): InventoryTree {
  const tree: InventoryTree = { blocks: [], hosts: [] };
  const visit = (name: string, body: Mapping, path: YamlPath, branch: string[], parent?: string): void => {
    tree.blocks.push({ name, path, body, ...(parent !== undefined ? { parent } : {}) });
    for (const [host, vars] of Object.entries(asMapping(body.hosts))) {
      tree.hosts.push({ name: host, group: name, path: [...path, "hosts", host], vars: asMapping(vars) });
    }
    for (const [child, childBody] of Object.entries(asMapping(body.children))) {
      const childPath = [...path, "children", child];
      // Recorded but not entered: the rules report the loop, and walking it would never end.
      if (branch.includes(child)) tree.blocks.push({ name: child, parent: name, path: childPath, body: {} });
      else visit(child, asMapping(childBody), childPath, [...branch, child], name);
    }
  };
  for (const [name, body] of Object.entries(asMapping(data))) visit(name, asMapping(body), [name], [name]);
  return tree;
}
