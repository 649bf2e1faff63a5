/**
 * `ops vault encrypt|decrypt|view|edit|encrypt-string`: Ansible Vault's day-to-day commands, with
 * files Ansible reads (src/vault/format.ts). Secrets are never taken as command-line arguments
 * (they would show in `ps`): encrypt-string reads its value from stdin or a hidden prompt.
 */
import { statSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { READ_LIMITS, readUserFileSync } from "../fs/read-file.js";
import { writeFileAtomic } from "../fs/write-atomic.js";
import { encryptVault, isVaultText, VaultError } from "../vault/format.js";
import { DEFAULT_VAULT_ID, type VaultKeyring } from "../vault/keyring.js";
import { editInTemp } from "./vault-edit.js";
import { keyringFrom, type VaultCliOptions } from "./vault-options.js";

export interface VaultCommandOptions extends VaultCliOptions {
  /** Where to write instead of in place (`-` for stdout). */
  output?: string;
  /** Which password encrypts (its vault id is written in a 1.2 header). */
  encryptVaultId?: string;
  /** encrypt-string: the variable name to print before the value. */
  name?: string;
}

export interface VaultIo {
  write(text: string): void;
  /** The clear text encrypt-string encrypts (stdin, or a prompt typed twice). */
  readSecret(): Promise<string>;
  env: NodeJS.ProcessEnv;
}

function readInput(file: string): string {
  return readUserFileSync(file, { what: "file", maxBytes: READ_LIMITS.vars });
}

function asConfigError(e: unknown, file: string): never {
  if (e instanceof VaultError) throw new ConfigError(e.message, { file, line: 1 });
  throw e;
}

/** The password (and the vault id for the header) that encrypts. */
async function encryptionSecret(vault: VaultKeyring, opts: VaultCommandOptions) {
  if (!vault.configured)
    throw new ConfigError(
      "no vault password given",
      { path: "--vault-password-file" },
      "give one with --vault-password-file FILE, --vault-id ID@FILE, --ask-vault-pass or OPS_VAULT_PASSWORD_FILE",
    );
  const secret = await vault.first(opts.encryptVaultId);
  return { password: secret.password, vaultId: secret.id === DEFAULT_VAULT_ID ? undefined : secret.id };
}

async function writeOut(file: string, text: string | Buffer, opts: VaultCommandOptions, io: VaultIo) {
  if (opts.output === "-") return io.write(text.toString());
  const target = opts.output ?? file;
  const mode = (() => {
    try {
      return statSync(target).mode & 0o777;
    } catch {
      return 0o600;
    }
  })();
  await writeFileAtomic(target, text.toString(), { mode });
}

/** @example await vaultCommand("encrypt", ["group_vars/registry.yml"], opts, io) */
export async function vaultCommand(
  action: "encrypt" | "decrypt" | "view" | "edit",
  files: readonly string[],
  opts: VaultCommandOptions,
  io: VaultIo,
): Promise<number> {
  if (opts.output !== undefined && files.length > 1)
    throw new ConfigError("--output takes one input file", { path: "--output" });
  const vault = keyringFrom(opts, io.env);
  try {
    for (const file of files) {
      const text = readInput(file);
      if (action === "encrypt") {
        if (isVaultText(text)) throw new ConfigError("file is already vault-encrypted", { file, line: 1 });
        const { password, vaultId } = await encryptionSecret(vault, opts);
        await writeOut(file, encryptVault(Buffer.from(text, "utf8"), password, vaultId), opts, io);
        continue;
      }
      if (!isVaultText(text)) throw new ConfigError("file is not vault-encrypted", { file, line: 1 });
      const opened = await vault.openFor(text).catch((e: unknown) => asConfigError(e, file));
      if (action === "view") io.write(opened.clear.toString("utf8"));
      else if (action === "decrypt") await writeOut(file, opened.clear, opts, io);
      else {
        const edited = await editInTemp(opened.clear, file, io.env);
        if (edited === undefined || edited.equals(opened.clear)) continue; // unchanged: the file is left as it was
        await writeFileAtomic(file, encryptVault(edited, opened.secret.password, opened.vaultId), {
          mode: statSync(file).mode & 0o777,
        });
      }
    }
    return 0;
  } finally {
    vault.dispose();
  }
}

/** Indents a vault as Ansible's encrypt_string does. */
function inline(vaultText: string): string {
  return vaultText
    .trimEnd()
    .split("\n")
    .map((l) => `          ${l}`)
    .join("\n");
}

/**
 * `ops vault encrypt-string --name registry_admin_password`: the value from stdin (one final line
 * break dropped) or a hidden prompt, printed as a `!vault` value to paste into a vars file.
 */
export async function vaultEncryptString(opts: VaultCommandOptions, io: VaultIo): Promise<number> {
  const vault = keyringFrom(opts, io.env);
  try {
    const { password, vaultId } = await encryptionSecret(vault, opts);
    const clear = await io.readSecret();
    if (clear === "") throw new ConfigError("nothing to encrypt: the value is empty", { path: "stdin" });
    const value = `!vault |\n${inline(encryptVault(Buffer.from(clear, "utf8"), password, vaultId))}\n`;
    io.write(opts.name !== undefined ? `${opts.name}: ${value}` : value);
    return 0;
  } finally {
    vault.dispose();
  }
}
