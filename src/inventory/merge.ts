/**
 * Builds the Inventory from a validated tree and its group_vars/host_vars files: group membership,
 * variable precedence and where each variable came from. Pure: files arrive already parsed.
 */
import type { Location } from "../errors.js";
import { ownValue, setOwn } from "../text/own.js";
import { liftConnection, isConnectionKey, SECRET_KEYS, type PathContext } from "./connection.js";
import { asMapping, walkTree, type HostMention, type Mapping } from "./tree.js";
import type { Inventory, InventoryHost } from "./types.js";
import { dotPath, type YamlPath, type YamlSource } from "../text/yaml-source.js";

/** Parsed group_vars/<group>* and host_vars/<host>* files, each list in the order they apply. */
export interface VarsFiles {
  groups: Map<string, YamlSource[]>;
  hosts: Map<string, YamlSource[]>;
}

/** A set of variables and where each one sits. */
interface VarLayer {
  vars: Mapping;
  where: (key: string) => Location;
}

/** `where` computed once per key: a group's layer is shared by all its hosts (20,000 of them, maybe). */
function memo(where: (key: string) => Location): (key: string) => Location {
  const known = new Map<string, Location>();
  return (key) => {
    let loc = known.get(key);
    if (!loc) known.set(key, (loc = where(key)));
    return loc;
  };
}

/**
 * Where a variable sits, with its line found only when read: finding lines can mean composing the
 * whole file again (yaml-source.ts), which a run that reports no error never needs.
 */
function locate(src: YamlSource, path: YamlPath): Location {
  let line: number | undefined;
  return {
    file: src.file,
    path: dotPath(path),
    get line() {
      return (line ??= src.lineOf(path));
    },
  };
}

function inlineLayer(src: YamlSource, path: YamlPath, vars: Mapping): VarLayer {
  return { vars, where: memo((key) => locate(src, [...path, key])) };
}

const fileLayers = new WeakMap<YamlSource, VarLayer>();

function fileLayer(src: YamlSource): VarLayer {
  let layer = fileLayers.get(src);
  if (!layer) {
    layer = {
      vars: asMapping(src.data),
      where: memo((key) => locate(src, [key])),
    };
    fileLayers.set(src, layer);
  }
  return layer;
}

/**
 * Ansible's precedence, lowest first: `all`, then groups by depth (parents before children) and
 * name, each group's inline vars before its group_vars file; then the host's inline vars, then
 * its host_vars file. A host in the top level `all.hosts` only is also in `ungrouped`.
 *
 * @example buildInventory(parseYaml(text, "hosts.yaml"), { groups: new Map(), hosts: new Map() }, ctx).hosts[0].name
 */
export function buildInventory(src: YamlSource, files: VarsFiles, ctx: PathContext): Inventory {
  const tree = walkTree(src.data);
  const parents = new Map<string, Set<string>>([["all", new Set()]]);
  const groupLayers = new Map<string, VarLayer[]>();
  for (const block of tree.blocks) {
    const set = parents.get(block.name) ?? new Set<string>();
    if (block.name !== "all") set.add(block.parent ?? "all");
    parents.set(block.name, set);
    const layers = groupLayers.get(block.name) ?? [];
    layers.push(inlineLayer(src, [...block.path, "vars"], asMapping(block.body.vars)));
    groupLayers.set(block.name, layers);
  }

  const depthCache = new Map<string, number>();
  const depth = (g: string, seen: string[] = []): number => {
    const cached = depthCache.get(g);
    if (cached !== undefined) return cached;
    const ps = [...(parents.get(g) ?? [])].filter((p) => !seen.includes(p));
    const d = ps.length === 0 ? 0 : Math.max(...ps.map((p) => depth(p, [...seen, g]) + 1));
    depthCache.set(g, d);
    return d;
  };
  const ancestors = (g: string, into: Set<string>): Set<string> => {
    if (into.has(g)) return into;
    into.add(g);
    for (const p of parents.get(g) ?? []) ancestors(p, into);
    return into;
  };

  // One pass groups the mentions by host (in first-mention order), so no host scans the others.
  const mentionsOf = new Map<string, HostMention[]>();
  for (const m of tree.hosts) {
    const list = mentionsOf.get(m.name);
    if (list) list.push(m);
    else mentionsOf.set(m.name, [m]);
  }
  const hosts: InventoryHost[] = [...mentionsOf].map(([name, mentions]) => {
    const groups = new Set<string>(["all"]);
    for (const m of mentions) ancestors(m.group, groups);
    if (groups.size === 1) groups.add("ungrouped");
    if (groups.has("ungrouped") && !parents.has("ungrouped")) parents.set("ungrouped", new Set(["all"]));
    const ordered = [...groups].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));

    const layers: VarLayer[] = [
      ...ordered.flatMap((g) => [
        ...(groupLayers.get(g) ?? []),
        ...(files.groups.get(g) ?? []).map(fileLayer),
      ]),
      ...mentions.map((m) => inlineLayer(src, m.path, m.vars)),
      ...(files.hosts.get(name) ?? []).map(fileLayer),
    ];
    // Own properties only: a variable named `__proto__` is a variable, not a prototype.
    const merged: Record<string, unknown> = {};
    const rank: Record<string, number> = {};
    const varSources: Record<string, Location> = {};
    const secretSources: Record<string, Location> = {};
    layers.forEach((layer, i) => {
      for (const [key, value] of Object.entries(layer.vars)) {
        setOwn(merged, key, value);
        setOwn(rank, key, i + 1);
        if (!isConnectionKey(key)) setOwn(varSources, key, layer.where(key));
        else if (SECRET_KEYS.has(key)) setOwn(secretSources, key, layer.where(key));
      }
    });
    const { connection, vars } = liftConnection(name, merged, rank, ctx);
    const host: InventoryHost = { name, groups: ordered, connection, vars, varSources };
    return Object.keys(secretSources).length > 0 ? { ...host, connectionSecretSources: secretSources } : host;
  });

  const groupMap: Record<string, string[]> = {};
  for (const g of ["all", "ungrouped", ...tree.blocks.map((b) => b.name)]) {
    if (!Object.hasOwn(groupMap, g)) setOwn(groupMap, g, []);
  }
  for (const host of hosts) {
    for (const g of host.groups) {
      const members = ownValue(groupMap, g);
      if (members) members.push(host.name);
      else setOwn(groupMap, g, [host.name]);
    }
  }
  return { file: src.file, hosts, groups: groupMap };
}
