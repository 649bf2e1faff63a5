/**
 * "Deploy one": what makes the registry usable, not only running. Its name, an admin account, a
 * first project and the account that pushes to it, each password hidden and typed twice; then how
 * the passwords are kept at rest: Ansible Vault values (the vault password file asked for, or made
 * 0600 outside the inventory folder), or a separate 0600 file that .gitignore names.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { filePasswordSource } from "../vault/password-source.js";
import type { Ask } from "./ask.js";

const USER = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const PROJECT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const HOSTNAME = /^($|[A-Za-z0-9.-]+)$/;
const MIN_PASSWORD = 8;

export interface RegistryAccount {
  name: string;
  password: string;
}

export interface RegistryAccounts {
  /** registry_hostname; "" for the host's address. */
  hostname: string;
  admin: RegistryAccount;
  project: { name: string; pusher?: RegistryAccount };
  /** How the passwords are kept: vault-encrypted with this password file, or in a clear 0600 file. */
  vault?: { passwordFile: string; password: string; create: boolean };
}

export interface AccountsContext {
  inventoryDir: string;
  home: string;
  say: (line: string) => void;
}

/** A new password: at least 8 characters, typed twice by a person (an answers file gives it once). */
async function newPassword(ask: Ask, id: string, message: string, say: (l: string) => void): Promise<string> {
  for (;;) {
    const first = await ask.secret(id, { message });
    if (first.length < MIN_PASSWORD) {
      if (!ask.interactive)
        throw new ConfigError(
          `${id}: at least ${MIN_PASSWORD} characters`,
          { path: id },
          "a longer password",
        );
      say(`  at least ${MIN_PASSWORD} characters: again`);
      continue;
    }
    if (!ask.interactive) return first;
    if ((await ask.secret(id, { message: "The same again, to be sure" })) === first) return first;
    say("  the two differ: again");
  }
}

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

/** The vault password file: an existing one is read, a new one gets a random password (written with the inventory). */
async function vaultFile(ask: Ask, ctx: AccountsContext): Promise<RegistryAccounts["vault"]> {
  for (;;) {
    const answer = await ask.text("registry.vault_password_file", {
      message: "Vault password file (made 0600 with a random password if it does not exist)",
      default: join(ctx.home, ".config", "ops", "vault-pass"),
      validate: (v) => v.trim() !== "" || "a path",
    });
    const passwordFile = resolve(ctx.inventoryDir, answer.replace(/^~(?=\/)/, ctx.home));
    if (inside(ctx.inventoryDir, passwordFile)) {
      const keep = await ask.yesNo("registry.vault_password_file_in_inventory", {
        message:
          "That is inside the inventory folder, which is often committed with it. Keep it there anyway?",
        default: false,
      });
      if (!keep) continue;
    }
    if (existsSync(passwordFile)) {
      const password = (await filePasswordSource(passwordFile).load()).toString("utf8");
      return { passwordFile, password, create: false };
    }
    return { passwordFile, password: randomBytes(24).toString("base64url"), create: true };
  }
}

/**
 * Question ids `registry.hostname`, `registry.admin.name`, `registry.admin.password` (or
 * `password_env`), `registry.project.name`, `registry.project.pusher`, `registry.project.password`
 * (or `password_env`), `registry.vault`, `registry.vault_password_file`.
 *
 * @example await askRegistryAccounts(ask, { inventoryDir: "/srv/inv", home: "/root", say })
 */
export async function askRegistryAccounts(ask: Ask, ctx: AccountsContext): Promise<RegistryAccounts> {
  const hostname = await ask.text("registry.hostname", {
    message: "The registry's name, as engines reach it (a DNS name; empty: the host's address)",
    default: "",
    validate: (v) => HOSTNAME.test(v) || "letters, digits, '.' and '-'",
  });
  const adminName = await ask.text("registry.admin.name", {
    message: "Admin account",
    default: "admin",
    validate: (v) => USER.test(v) || "lowercase letters, digits, '.', '_', '-'",
  });
  const admin = {
    name: adminName,
    password: await newPassword(ask, "registry.admin.password", `Password of ${adminName}`, ctx.say),
  };
  const projectName = await ask.text("registry.project.name", {
    message: "A first project (a repository namespace, e.g. team-a)",
    default: "team",
    validate: (v) => PROJECT.test(v) || "lowercase letters and digits, joined by '.', '_' or '-'",
  });
  const pusherName = await ask.text("registry.project.pusher", {
    message: `Who may push to ${projectName}? An account name (empty: only ${adminName})`,
    default: "",
    validate: (v) =>
      v === "" ||
      (USER.test(v) && v !== adminName) ||
      `a new account's name, not ${adminName} (lowercase letters, digits, '.', '_', '-')`,
  });
  const pusher =
    pusherName === ""
      ? undefined
      : {
          name: pusherName,
          password: await newPassword(ask, "registry.project.password", `Password of ${pusherName}`, ctx.say),
        };
  const vaulted = await ask.yesNo("registry.vault", {
    message: "Keep these passwords vault-encrypted in the inventory (Ansible Vault)?",
    default: true,
  });
  return {
    hostname,
    admin,
    project: { name: projectName, ...(pusher ? { pusher } : {}) },
    ...(vaulted ? { vault: await vaultFile(ask, ctx) } : {}),
  };
}
