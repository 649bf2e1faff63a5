/**
 * From command-line inputs to the hosts a run works on, each with its validated variables:
 * inventory -> --limit -> -e on top -> the playbooks' schema. Every problem of every host is
 * collected and thrown together before anything connects, so a bad input never half-runs.
 */
import { ConfigError, ConfigErrors } from "../errors.js";
import { applyLimit } from "../inventory/limit.js";
import { loadInventory } from "../inventory/load.js";
import type { Inventory, InventoryHost } from "../inventory/types.js";
import type { VariablesSchema } from "../playbook.js";
import { loadExtraVars, withExtraVars } from "../vars/extra.js";
import { secretValues } from "../vars/secrets.js";
import { Redactor } from "./redact.js";
import { validateVars, type VarSource, type VarsSchema } from "../vars/validate.js";
import type { VaultKeyring } from "../vault/keyring.js";

export interface Target {
  host: InventoryHost;
  vars: Record<string, unknown>;
  /** Where each variable was set (file, dot-path, line), for errors found after validation. */
  sources: Record<string, VarSource>;
}

export interface TargetRequest {
  inventoryFile: string;
  limit?: string | undefined;
  extraVars?: readonly string[] | undefined;
  schema: VariablesSchema;
  /** Variable names other playbooks know (not typos here); see validateVars. */
  known?: ReadonlySet<string>;
  /** The vault passwords, for vault-encrypted files and `!vault` values. */
  vault?: VaultKeyring | undefined;
}

export interface Targets {
  inventory: Inventory;
  targets: Target[];
  /** Every host of the inventory, before --limit (a registry's allow list names them all). */
  everyHost: InventoryHost[];
  /** Every secret the run may meet (connection passwords, secret variables), for the Redactor. */
  secrets: string[];
  /** The values that came out of a vault (a subset of `secrets`). */
  vaulted: string[];
}

export async function resolveTargets(req: TargetRequest): Promise<Targets> {
  const full = await loadInventory(req.inventoryFile, { vault: req.vault });
  const inventory = req.limit !== undefined ? applyLimit(full, req.limit, req.inventoryFile) : full;
  if (inventory.hosts.length === 0) {
    throw new ConfigError(
      "no hosts to run on",
      { file: req.inventoryFile },
      "the inventory (after --limit) is empty",
    );
  }
  const extra = await loadExtraVars(req.extraVars ?? [], undefined, req.vault);
  const errors = new Map<string, ConfigError>();
  const targets: Target[] = [];
  // What came out of a vault is secret whatever the schema says.
  const secrets = new Set<string>([...(full.vaultSecrets ?? []), ...(extra.secrets ?? [])]);
  const schema = req.schema as unknown as VarsSchema;
  for (const host of inventory.hosts) {
    const merged = withExtraVars(host.vars, host.varSources, extra);
    const options = req.known ? { known: req.known } : {};
    const { vars, errors: found } = validateVars(schema, merged.vars, merged.sources, options);
    // The same group variable is wrong for every host of the group: report it once.
    for (const e of found) errors.set(`${e.location.file}|${e.location.path}|${e.message}`, e);
    targets.push({ host, vars, sources: merged.sources });
    for (const s of [host.connection.password, host.connection.becomePassword, ...secretValues(schema, vars)])
      if (typeof s === "string" && s !== "") secrets.add(s);
  }
  // A value out of a vault may be quoted by a schema error: masked before the error leaves.
  const redactor = new Redactor(secrets);
  if (errors.size > 0) throw redactor.maskError(new ConfigErrors([...errors.values()]));
  const vaulted = [...new Set([...(full.vaultSecrets ?? []), ...(extra.secrets ?? [])])];
  return { inventory, targets, everyHost: full.hosts, secrets: [...secrets], vaulted };
}
