/** `ops inventory check|list`: validate an inventory, or show the hosts it yields, without connecting. */
import { applyLimit } from "../inventory/limit.js";
import { loadInventory } from "../inventory/load.js";
import { prepareRun } from "../run/prepare.js";
import { builtinSchema, builtinVariableNames } from "../../playbooks/index.js";
import type { SchemaNode } from "../schema/describe.js";
import { loadPlaybook } from "./load-playbook.js";
import { keyringFrom } from "./vault-options.js";
import { ConfigErrors } from "../errors.js";
import { clearTextSecrets } from "../vault/clear-secrets.js";
import { describeWarning } from "./errors.js";
import type { InventoryCliOptions } from "./options.js";
import { printable, printableJson } from "../report/printable.js";

export async function inventoryCheck(
  opts: InventoryCliOptions & { strictSecrets?: boolean },
  write: (text: string) => void,
  warn: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<number> {
  const loaded = await loadPlaybook(opts.playbook ?? "install-engine");
  const { inventory, targets, vaulted } = await prepareRun({
    playbooks: [loaded],
    inventoryFile: opts.inventory,
    limit: opts.limit,
    extraVars: opts.extraVars,
    known: await builtinVariableNames(),
    vault: keyringFrom(opts),
  }).finally(() => keyringFrom(opts).dispose());
  // Secrets of every playbook ops knows: an inventory checked for install-engine may hold the registry's.
  const clear = clearTextSecrets(targets, (await builtinSchema()) as SchemaNode, new Set(vaulted ?? []));
  if (opts.strictSecrets && clear.length > 0) throw clear.length === 1 ? clear[0] : new ConfigErrors(clear);
  for (const problem of clear) warn(`${describeWarning(problem)}\n`);
  const groups = Object.keys(inventory.groups).length;
  write(
    `${opts.inventory}: ok, ${targets.length} host(s) in ${groups} group(s); variables valid for ${loaded.playbook.name}\n`,
  );
  return 0;
}

export async function inventoryList(
  opts: InventoryCliOptions & { output: "pretty" | "json" },
  write: (text: string) => void,
): Promise<number> {
  const vault = keyringFrom(opts);
  const full = await loadInventory(opts.inventory, { vault }).finally(() => vault.dispose());
  const inventory = opts.limit !== undefined ? applyLimit(full, opts.limit, opts.inventory) : full;
  const rows = inventory.hosts.map((host) => ({
    name: host.name,
    address: host.connection.address,
    port: host.connection.port ?? 22,
    user: host.connection.user ?? "(ssh default)",
    become: host.connection.become,
    groups: host.groups.filter((g) => g !== "all"),
  }));
  if (opts.output === "json") {
    write(printableJson(rows, 2) + "\n");
    return 0;
  }
  const names = rows.map((r) => printable(r.name));
  const width = Math.max(4, ...names.map((n) => n.length));
  rows.forEach((r, i) => {
    const target = printable(`${r.user}@${r.address}:${r.port}`);
    const groups = r.groups.map((g) => printable(g)).join(", ") || "-";
    write(`${(names[i] ?? "").padEnd(width)}  ${target}${r.become ? " (become)" : ""}  groups: ${groups}\n`);
  });
  return 0;
}
