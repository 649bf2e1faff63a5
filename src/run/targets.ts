/**
 * From command-line inputs to the hosts a run works on, each with its validated variables:
 * inventory -> --limit -> -e on top -> the playbook's schema. Every problem of every host is
 * collected and thrown together before anything connects, so a bad input never half-runs.
 */
import { ConfigError, ConfigErrors } from "../errors.js";
import { applyLimit } from "../inventory/limit.js";
import { loadInventory } from "../inventory/load.js";
import type { Inventory, InventoryHost } from "../inventory/types.js";
import type { VariablesSchema } from "../playbook.js";
import { loadExtraVars, withExtraVars } from "../vars/extra.js";
import { validateVars, type VarsSchema } from "../vars/validate.js";

export interface Target {
  host: InventoryHost;
  vars: Record<string, unknown>;
}

export interface TargetRequest {
  inventoryFile: string;
  limit?: string | undefined;
  extraVars?: readonly string[] | undefined;
  schema: VariablesSchema;
}

export interface Targets {
  inventory: Inventory;
  targets: Target[];
  /** Every secret the run may meet (passwords), for the Redactor. */
  secrets: string[];
}

export async function resolveTargets(req: TargetRequest): Promise<Targets> {
  const full = await loadInventory(req.inventoryFile);
  const inventory = req.limit !== undefined ? applyLimit(full, req.limit, req.inventoryFile) : full;
  if (inventory.hosts.length === 0) {
    throw new ConfigError(
      "no hosts to run on",
      { file: req.inventoryFile },
      "the inventory (after --limit) is empty",
    );
  }
  const extra = await loadExtraVars(req.extraVars ?? []);
  const errors = new Map<string, ConfigError>();
  const targets: Target[] = [];
  for (const host of inventory.hosts) {
    const merged = withExtraVars(host.vars, host.varSources, extra);
    const { vars, errors: found } = validateVars(
      req.schema as unknown as VarsSchema,
      merged.vars,
      merged.sources,
    );
    // The same group variable is wrong for every host of the group: report it once.
    for (const e of found) errors.set(`${e.location.file}|${e.location.path}|${e.message}`, e);
    targets.push({ host, vars });
  }
  if (errors.size > 0) throw new ConfigErrors([...errors.values()]);
  const secrets = inventory.hosts.flatMap((h) => [h.connection.password, h.connection.becomePassword]);
  return { inventory, targets, secrets: secrets.filter((s): s is string => typeof s === "string") };
}
