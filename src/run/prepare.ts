/**
 * Everything a run checks before it connects anywhere: the inventory and `--limit`, every host's
 * variables against the chosen playbooks' schemas, and each playbook's cross-field rules. A problem
 * is a configuration error naming the file, the dot-path and the line; nothing has run.
 */
import { dirname, resolve } from "node:path";
import { ConfigError, ConfigErrors, type Location } from "../errors.js";
import type { Inventory } from "../inventory/types.js";
import type { Playbook, PlaybookHost, VariableSpec, VariablesSchema } from "../playbook.js";
import type { InventoryHost } from "../inventory/types.js";
import { Redactor } from "./redact.js";
import type { VaultKeyring } from "../vault/keyring.js";
import { resolveTargets, type Target } from "./targets.js";

type AnyPlaybook = Playbook<Record<string, unknown>>;

/** A playbook and the file it came from (a user's playbook), for error locations. */
export interface LoadedPlaybook {
  playbook: AnyPlaybook;
  /** The module's path for a user's playbook; undefined for a built-in. */
  file?: string;
}

export interface PrepareRequest {
  playbooks: readonly LoadedPlaybook[];
  inventoryFile: string;
  limit?: string | undefined;
  extraVars?: readonly string[] | undefined;
  /** Variable names of every playbook ops knows: not typos, even when these playbooks do not use them. */
  known?: ReadonlySet<string>;
  /** The vault passwords, for vault-encrypted files and `!vault` values. */
  vault?: VaultKeyring | undefined;
}

export interface PreparedRun {
  inventory: Inventory;
  /** Folder of the inventory file: where per-inventory state (a CA) lives. */
  inventoryDir: string;
  targets: Target[];
  /** Every host of the inventory, before --limit. */
  everyHost: InventoryHost[];
  secrets: string[];
  /** The values that came out of a vault (a subset of `secrets`); absent when none did. */
  vaulted?: string[];
}

/** What a playbook may know of an inventory host. */
export function playbookHost(host: InventoryHost): PlaybookHost {
  return { name: host.name, address: host.connection.address, groups: host.groups };
}

/**
 * The union of the playbooks' variables: the run validates a host's variables once against it. Two
 * playbooks sharing a variable (registry_mirrors) must declare it alike; the first declaration wins.
 */
export function mergeSchemas(playbooks: readonly LoadedPlaybook[]): VariablesSchema {
  const first = playbooks[0]?.playbook.variables;
  if (playbooks.length === 1 && first) return first;
  const properties: Record<string, VariableSpec> = {};
  const prefixes: string[] = [];
  for (const { playbook } of playbooks) {
    for (const [name, spec] of Object.entries(playbook.variables.properties))
      if (!Object.hasOwn(properties, name)) properties[name] = spec;
    for (const p of playbook.variables["x-ops-prefixes"] ?? []) if (!prefixes.includes(p)) prefixes.push(p);
  }
  return { type: "object", properties, "x-ops-prefixes": prefixes };
}

/** The location of a rule's problem: where the variable was set, else the variable itself. */
function locationOf(target: Target, variable: string, path: string | undefined): Location {
  const full = path ? `${variable}${path.startsWith("[") ? "" : "."}${path}` : variable;
  const src = Object.hasOwn(target.sources, variable) ? target.sources[variable] : undefined;
  if (!src) return { path: full };
  const { extra: _extra, ...loc } = src;
  return {
    ...loc,
    path: src.path && src.path !== variable ? `${src.path}${full.slice(variable.length)}` : full,
  };
}

/** Each playbook's rules over each host's variables: every problem, each reported once. */
export function checkRules(
  playbooks: readonly LoadedPlaybook[],
  targets: readonly Target[],
  everyHost: readonly { name: string }[] = targets.map((t) => t.host),
): ConfigError[] {
  const errors = new Map<string, ConfigError>();
  const inventory = { hosts: everyHost.map((h) => h.name) };
  for (const { playbook } of playbooks) {
    for (const rule of playbook.rules ?? []) {
      for (const target of targets) {
        for (const p of rule.check(target.vars, playbookHost(target.host), inventory)) {
          const where = locationOf(target, p.variable, p.path);
          const error = new ConfigError(`${p.message} (${rule.name})`, where, p.hint);
          errors.set(`${where.file}|${where.path}|${error.message}`, error);
        }
      }
    }
  }
  return [...errors.values()];
}

/**
 * @example const prepared = await prepareRun({ playbooks: [{ playbook }], inventoryFile: "hosts.yaml" });
 */
export async function prepareRun(req: PrepareRequest): Promise<PreparedRun> {
  const { inventory, targets, everyHost, secrets, vaulted } = await resolveTargets({
    inventoryFile: req.inventoryFile,
    limit: req.limit,
    extraVars: req.extraVars,
    schema: mergeSchemas(req.playbooks),
    ...(req.known ? { known: req.known } : {}),
    vault: req.vault,
  });
  // A rule may quote a value back: secrets are masked before the error exists outside.
  const redactor = new Redactor(secrets);
  const problems = checkRules(req.playbooks, targets, everyHost).map((p) => redactor.maskError(p));
  if (problems.length === 1 && problems[0]) throw problems[0];
  if (problems.length > 1) throw new ConfigErrors(problems);
  return {
    inventory,
    inventoryDir: dirname(resolve(req.inventoryFile)),
    targets,
    everyHost,
    secrets,
    vaulted,
  };
}
