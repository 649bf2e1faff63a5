/**
 * The vault password options every command that reads variables shares, as Ansible spells them:
 * `--vault-password-file FILE` (a file, or an executable that prints the password), `--vault-id
 * [ID@]FILE|prompt`, `--ask-vault-pass`, and OPS_VAULT_PASSWORD_FILE when none is given. They
 * become one keyring, which reads nothing until a vault needs a password.
 */
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
