/**
 * group_vars/registry.yml as `ops init` writes it for a registry it deploys: the accounts and the
 * first project. Passwords are Ansible Vault values when the user keeps them vault-encrypted; else
 * they are in clear in this file alone, which is then 0600 and named in .gitignore.
 */
import { encryptVault } from "../vault/format.js";
import type { RegistryAccount, RegistryAccounts } from "./registry-accounts.js";

/** A password as YAML: a `!vault |` block indented under its key, or a double-quoted string. */
function passwordYaml(password: string, vaultPassword: string | undefined, indent: string): string {
  if (vaultPassword === undefined) return JSON.stringify(password);
  const vault = encryptVault(Buffer.from(password, "utf8"), Buffer.from(vaultPassword, "utf8"));
  return `!vault |\n${vault
    .trimEnd()
    .split("\n")
    .map((l) => `${indent}  ${l}`)
    .join("\n")}`;
}

function userYaml(account: RegistryAccount, admin: boolean, vaultPassword: string | undefined): string {
  return [
    `  - name: ${account.name}`,
    ...(admin ? ["    admin: true"] : []),
    `    password: ${passwordYaml(account.password, vaultPassword, "    ")}`,
  ].join("\n");
}

/**
 * @example renderRegistryVars(accounts, "2026-12-07") // "# The registry's accounts...\nregistry_users:\n  - name: admin\n..."
 */
export function renderRegistryVars(accounts: RegistryAccounts, date: string): string {
  const vaultPassword = accounts.vault?.password;
  const how = accounts.vault
    ? `Passwords are Ansible Vault values (vault password file: ${accounts.vault.passwordFile});\n# change one with: ops vault encrypt-string --name password --vault-password-file FILE`
    : "Passwords are in clear here: this file is 0600 and .gitignore names it. Never commit it.";
  const { admin, project } = accounts;
  const members = [
    ...(project.pusher ? [`      - user: ${project.pusher.name}\n        role: developer`] : []),
  ];
  return [
    `# The registry's accounts and first project, written by \`ops init\` on ${date}.`,
    `# ${how}`,
    "registry_users:",
    userYaml(admin, true, vaultPassword),
    ...(project.pusher ? [userYaml(project.pusher, false, vaultPassword)] : []),
    "registry_projects:",
    `  - name: ${project.name}`,
    ...(members.length > 0 ? ["    members:", ...members] : []),
    "",
  ].join("\n");
}

/** .gitignore with `line` added (once). */
export function withIgnored(existing: string | undefined, line: string): string {
  const lines = (existing ?? "").split("\n").filter((l, i, all) => l !== "" || i < all.length - 1);
  if (lines.includes(line)) return existing ?? "";
  return [...lines, "# passwords in clear, written by ops init", line, ""].join("\n");
}
