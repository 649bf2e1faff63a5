/** Registers `ops vault ...` (src/cli/vault-command.ts) with one call from main.ts. */
import type { Command } from "commander";
import { withVaultOptions } from "./vault-options.js";
import type { VaultCommandOptions, VaultIo } from "./vault-command.js";

const VAULT_HELP = `
The password comes from --vault-password-file FILE (or an executable that prints it), --vault-id
ID@FILE|ID@prompt, --ask-vault-pass, or OPS_VAULT_PASSWORD_FILE. Files are Ansible Vault 1.1
(1.2 with a vault id): ansible-vault reads what ops writes, and ops reads what it writes.
`;

/** stdin's text (one final line break dropped), or a hidden prompt typed twice on a terminal. */
async function readSecret(): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString("utf8")
      .replace(/\r?\n$/, "");
  }
  const { password } = await import("@inquirer/prompts");
  const ctx = { output: process.stderr };
  const first = await password({ message: "Value to encrypt:", mask: false }, ctx);
  const again = await password({ message: "Again:", mask: false }, ctx);
  if (first !== again) {
    const { ConfigError } = await import("../errors.js");
    throw new ConfigError("the two values differ", { path: "stdin" }, "type the same value twice");
  }
  return first;
}

const io = (): VaultIo => ({ write: (t) => void process.stdout.write(t), readSecret, env: process.env });

/** @example addVaultCommands(program, result) */
export function addVaultCommands(program: Command, result: { code: number }): void {
  const vault = program
    .command("vault")
    .description("Ansible Vault: encrypt, decrypt, view, edit files; encrypt-string for one value")
    .addHelpText("after", VAULT_HELP);
  const actions = {
    encrypt: "encrypt files in place (or to --output)",
    decrypt: "decrypt files in place (or to --output, - for stdout)",
    view: "print a vault's clear text",
    edit: "edit a vault in $EDITOR (a 0600 temporary file, removed afterwards)",
  } as const;
  for (const [action, description] of Object.entries(actions) as [keyof typeof actions, string][]) {
    const cmd = withVaultOptions(vault.command(action))
      .description(description)
      .argument(action === "view" || action === "edit" ? "<file>" : "<files...>", "vault files");
    if (action === "encrypt" || action === "decrypt")
      cmd.option("--output <file>", "write here instead (- for stdout)");
    if (action === "encrypt")
      cmd.option("--encrypt-vault-id <id>", "encrypt with the password of this vault id");
    cmd.action(async (files: string | string[], opts: VaultCommandOptions) => {
      const { vaultCommand } = await import("./vault-command.js");
      result.code = await vaultCommand(action, typeof files === "string" ? [files] : files, opts, io());
    });
  }
  withVaultOptions(vault.command("encrypt-string"))
    .description("encrypt one value read from stdin (or typed twice, hidden) and print it as !vault YAML")
    .option("-n, --name <variable>", "print it as `variable: !vault |`")
    .option("--encrypt-vault-id <id>", "encrypt with the password of this vault id")
    .action(async (opts: VaultCommandOptions) => {
      const { vaultEncryptString } = await import("./vault-command.js");
      result.code = await vaultEncryptString(opts, io());
    });
}
