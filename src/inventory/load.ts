/**
 * The file reader: reads an inventory and the group_vars/host_vars beside it, then hands the
 * parsed files to the pure validator and merger. The only module here that touches the disk.
 */
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ConfigError, ConfigErrors } from "../errors.js";
import { READ_LIMITS, readUserFileSync } from "../fs/read-file.js";
import { buildInventory, type VarsFiles } from "./merge.js";
import { walkTree } from "./tree.js";
import type { Inventory } from "./types.js";
import { validateInventory, validateVarsFile } from "./validate.js";
import { listVarsFolder, varsPathsFor } from "./vars-files.js";
import type { YamlSource } from "../text/yaml-source.js";
import type { VaultKeyring } from "../vault/keyring.js";
import { parseVaultedYaml } from "../vault/yaml.js";

export interface LoadOptions {
  /** The vault passwords, for encrypted files and `!vault` values; without it they are an error. */
  vault?: VaultKeyring | undefined;
}

/**
 * Reads, parses and opens vaults; a failure becomes an error in `errors` so every file gets
 * checked in one pass. Values that came out of a vault are added to `secrets`.
 */
async function readSource(
  file: string,
  errors: ConfigError[],
  secrets: string[],
  vault: VaultKeyring | undefined,
): Promise<YamlSource | undefined> {
  try {
    const text = readUserFileSync(file, { what: "vars file", maxBytes: READ_LIMITS.vars });
    const opened = await parseVaultedYaml(text, file, vault);
    secrets.push(...opened.secrets);
    return opened.src;
  } catch (e) {
    if (e instanceof ConfigErrors) errors.push(...e.errors);
    else if (e instanceof ConfigError) errors.push(e);
    else errors.push(new ConfigError(`cannot read file: ${(e as Error).message}`, { file }));
    return undefined;
  }
}

async function readVarsFiles(
  folder: string,
  names: string[],
  errors: ConfigError[],
  secrets: string[],
  vault: VaultKeyring | undefined,
) {
  const listing = await listVarsFolder(folder);
  const out = new Map<string, YamlSource[]>();
  if (listing.entries.size === 0) return out;
  for (const name of names) {
    const sources: YamlSource[] = [];
    for (const path of await varsPathsFor(listing, name)) {
      const src = await readSource(path, errors, secrets, vault);
      if (!src) continue;
      const problems = validateVarsFile(src);
      errors.push(...problems);
      if (problems.length === 0) sources.push(src);
    }
    if (sources.length > 0) out.set(name, sources);
  }
  return out;
}

/** One error thrown as itself, several as a ConfigErrors, so the CLI shows them all at once. */
export function throwIfAny(errors: ConfigError[]): void {
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
}

/**
 * Loads an Ansible YAML inventory with the group_vars/ and host_vars/ folders beside it.
 * Vault-encrypted files and `!vault` values are opened with `options.vault`.
 * Throws a ConfigError (or ConfigErrors when there are several) naming file, dot-path and line.
 *
 * @example
 * const inv = await loadInventory("inventory/example.yaml");
 * inv.hosts[0].connection // { address: "10.0.0.11", port: 22, user: "ops", become: true, ... }
 */
export async function loadInventory(file: string, options: LoadOptions = {}): Promise<Inventory> {
  const text = readUserFileSync(file, {
    what: "inventory file",
    maxBytes: READ_LIMITS.inventory,
    missingHint: "pass --inventory with a YAML inventory file",
  });
  const opened = await parseVaultedYaml(text, file, options.vault);
  const src = opened.src;
  const secrets = [...opened.secrets];
  throwIfAny(validateInventory(src));

  const tree = walkTree(src.data);
  const baseDir = dirname(file);
  const groupNames = ["all", "ungrouped", ...new Set(tree.blocks.map((b) => b.name))];
  const hostNames = [...new Set(tree.hosts.map((h) => h.name))];
  const errors: ConfigError[] = [];
  const files: VarsFiles = {
    groups: await readVarsFiles(
      join(baseDir, "group_vars"),
      [...new Set(groupNames)],
      errors,
      secrets,
      options.vault,
    ),
    hosts: await readVarsFiles(join(baseDir, "host_vars"), hostNames, errors, secrets, options.vault),
  };
  throwIfAny(errors);
  const inventory = buildInventory(src, files, { baseDir, home: homedir() });
  return secrets.length > 0 ? { ...inventory, vaultSecrets: [...new Set(secrets)] } : inventory;
}
