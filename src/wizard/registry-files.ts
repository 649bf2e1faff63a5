/**
 * The files a deployed registry's accounts add to what `ops init` writes: group_vars/registry.yml,
 * and either the vault password file (new: 0600, a random password) or, for clear passwords, a
 * .gitignore naming group_vars/registry.yml (then 0600).
 */
import { join } from "node:path";
import { READ_LIMITS, readUserFileIfExistsSync } from "../fs/read-file.js";
import type { RegistryAccounts } from "./registry-accounts.js";
import { renderRegistryVars, withIgnored } from "./registry-file.js";
import type { FileToWrite } from "./write-files.js";

/** @example registryFiles(accounts, "/srv/inventory", "2026-12-07") */
export function registryFiles(accounts: RegistryAccounts, inventoryDir: string, date: string): FileToWrite[] {
  const vars: FileToWrite = {
    path: join(inventoryDir, "group_vars", "registry.yml"),
    content: renderRegistryVars(accounts, date),
    mode: accounts.vault ? 0o644 : 0o600,
    ...(accounts.vault ? {} : { exactMode: true }),
  };
  if (accounts.vault) {
    const { passwordFile, password, create } = accounts.vault;
    return create ? [vars, { path: passwordFile, content: `${password}\n`, mode: 0o600 }] : [vars];
  }
  const ignore = join(inventoryDir, ".gitignore");
  const existing = readUserFileIfExistsSync(ignore, { what: ".gitignore", maxBytes: READ_LIMITS.vars });
  return [vars, { path: ignore, content: withIgnored(existing, "group_vars/registry.yml") }];
}
