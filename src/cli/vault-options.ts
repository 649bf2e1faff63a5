/**
 * The vault password options every command that reads variables shares, as Ansible spells them:
 * `--vault-password-file FILE` (a file, or an executable that prints the password), `--vault-id
 * [ID@]FILE|prompt`, `--ask-vault-pass`, and OPS_VAULT_PASSWORD_FILE when none is given. They
 * become one keyring, which reads nothing until a vault needs a password.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { createKeyring, DEFAULT_VAULT_ID, type PasswordSource, type VaultKeyring } from "../vault/keyring.js";
import { filePasswordSource, promptPasswordSource } from "../vault/password-source.js";
import { collect } from "./collect.js";

export interface VaultCliOptions {
  vaultPasswordFile?: string[];
  vaultId?: string[];
  askVaultPass?: boolean;
}

/** Adds the vault options to a command. */
export function withVaultOptions(command: Command): Command {
  return command
    .option(
      "--vault-password-file <file>",
      "vault password file, or an executable that prints it (repeatable)",
      collect,
      [],
    )
    .option(
      "--vault-id <id>",
      "a vault password as ID@FILE, ID@prompt, FILE or prompt (repeatable)",
      collect,
      [],
    )
    .option("--ask-vault-pass", "ask for the vault password (hidden)", false);
}

/** Asks for a password without echo, on stderr (stdout may be a pipe: `ops vault view`). */
async function askHidden(message: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new ConfigError(
      "--ask-vault-pass needs a terminal",
      { path: "--ask-vault-pass" },
      "use --vault-password-file FILE or OPS_VAULT_PASSWORD_FILE",
    );
  const { password } = await import("@inquirer/prompts");
  return password({ message, mask: false }, { output: process.stderr });
}

/** `ID@FILE`, `ID@prompt`, `FILE` or `prompt`, as Ansible's --vault-id. */
function vaultIdSource(spec: string, ask: (m: string) => Promise<string>): PasswordSource {
  const at = spec.indexOf("@");
  const id = at > 0 ? spec.slice(0, at) : DEFAULT_VAULT_ID;
  const where = at > 0 ? spec.slice(at + 1) : spec;
  if (where === "")
    throw new ConfigError(
      `--vault-id '${spec}' names no file`,
      { path: "--vault-id" },
      "ID@FILE or ID@prompt",
    );
  return where === "prompt" ? promptPasswordSource(ask, id) : filePasswordSource(where, id);
}

/** One keyring per command's options, so a command that loads its inputs twice asks once. */
const keyrings = new WeakMap<VaultCliOptions, VaultKeyring>();

/**
 * The keyring of a command's options (the same one each time for the same options).
 *
 * @example const vault = keyringFrom(opts); try { await prepareRun({ ..., vault }) } finally { vault.dispose() }
 */
export function keyringFrom(
  opts: VaultCliOptions,
  env: NodeJS.ProcessEnv = process.env,
  ask: (message: string) => Promise<string> = askHidden,
): VaultKeyring {
  const known = keyrings.get(opts);
  if (known) return known;
  const sources: PasswordSource[] = [];
  for (const file of opts.vaultPasswordFile ?? []) sources.push(filePasswordSource(file));
  for (const spec of opts.vaultId ?? []) sources.push(vaultIdSource(spec, ask));
  if (opts.askVaultPass) sources.push(promptPasswordSource(ask));
  const fromEnv = env.OPS_VAULT_PASSWORD_FILE;
  if (sources.length === 0 && fromEnv) sources.push(filePasswordSource(fromEnv));
  const keyring = createKeyring(sources);
  keyrings.set(opts, keyring);
  return keyring;
}

/** The vault options a schedule saves: files only, absolute; never a password, never a prompt. */
export interface SavedVaultOptions {
  vaultPasswordFile?: string[];
  vaultId?: string[];
}

/**
 * What a scheduled run needs to open the inventory's vaults, as options it can be given again:
 * each password file made absolute (an `ID@FILE` keeps its id), OPS_VAULT_PASSWORD_FILE when no
 * option names one (the timer's environment will not have it). A prompt cannot be saved: nobody
 * answers it at 02:00.
 *
 * @example savedVaultOptions({ vaultId: ["prod@pass.txt"] }, {}, "/home/me") // { vaultId: ["prod@/home/me/pass.txt"] }
 * @throws ConfigError for --ask-vault-pass or a --vault-id that prompts
 */
export function savedVaultOptions(
  opts: VaultCliOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): SavedVaultOptions {
  const noPrompt = (path: string) =>
    new ConfigError(
      "a schedule runs with nobody to type a vault password",
      { path },
      "give it --vault-password-file FILE (a 0600 file, or an executable that prints the password)",
    );
  if (opts.askVaultPass === true) throw noPrompt("--ask-vault-pass");
  const files = (opts.vaultPasswordFile ?? []).map((f) => resolve(cwd, f));
  const ids = (opts.vaultId ?? []).map((spec) => {
    const at = spec.indexOf("@");
    const where = at > 0 ? spec.slice(at + 1) : spec;
    if (where === "prompt") throw noPrompt("--vault-id");
    return at > 0 ? `${spec.slice(0, at)}@${resolve(cwd, where)}` : resolve(cwd, where);
  });
  const fromEnv = env.OPS_VAULT_PASSWORD_FILE;
  if (files.length === 0 && ids.length === 0 && fromEnv) files.push(resolve(cwd, fromEnv));
  return {
    ...(files.length > 0 ? { vaultPasswordFile: files } : {}),
    ...(ids.length > 0 ? { vaultId: ids } : {}),
  };
}
