/**
 * Vaults inside YAML, as Ansible reads them: a whole file encrypted (`$ANSIBLE_VAULT;...` as its
 * first line) or single values tagged `!vault`. The YAML reader turns a `!vault` scalar into a
 * VaultedText (so the document keeps every line number); `openVaults` then replaces each one with
 * its clear text. Every value that came out of a vault is returned, for the run's redactor: it is a
 * secret whatever the variable's schema says.
 */
import { ConfigError, ConfigErrors } from "../errors.js";
import { parseYaml, dotPath, type YamlPath, type YamlSource } from "../text/yaml-source.js";
import { isVaultText, VaultError } from "./format.js";
import type { VaultKeyring } from "./keyring.js";
import { VaultedText } from "./tag.js";

/** A source with its vaults opened, and every clear value that came out of one. */
export interface OpenedYaml {
  src: YamlSource;
  secrets: string[];
}

const HINT =
  "give the vault password with --vault-password-file FILE, --vault-id ID@FILE, --ask-vault-pass or OPS_VAULT_PASSWORD_FILE";

function vaultError(e: unknown, where: { file: string; path?: string; line?: number }): ConfigError {
  if (!(e instanceof VaultError)) throw e;
  return new ConfigError(e.message, where, e.reason === "password" ? HINT : undefined);
}

/** Every string of a decrypted file, for the redactor. */
function leaves(value: unknown, out: string[]): void {
  const stack = [value];
  for (let v = stack.pop(); v !== undefined; v = stack.pop()) {
    // Strings only: masking every `true` or `5000` of the output would hide more than secrets.
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (v !== null && typeof v === "object") stack.push(...Object.values(v));
  }
}

/** Calls `visit` for each `!vault` value in the data, without recursion. */
function walkVaulted(
  data: unknown,
  visit: (holder: Record<string | number, unknown>, key: string | number, path: YamlPath) => void,
) {
  const stack: { value: unknown; path: YamlPath }[] = [{ value: data, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (value === null || typeof value !== "object") continue;
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v] as [number, unknown])
      : Object.entries(value);
    for (const [key, child] of entries) {
      if (child instanceof VaultedText) visit(value as Record<string | number, unknown>, key, [...path, key]);
      else stack.push({ value: child, path: [...path, key] });
    }
  }
}

/**
 * Opens every `!vault` value of a parsed source in place. All problems are collected (each names
 * the file, dot-path and line) and thrown together.
 *
 * @example await openInlineVaults(parseYaml(text, "group_vars/all.yml"), keyring) // ["the clear password"]
 */
export async function openInlineVaults(
  src: YamlSource,
  keyring: VaultKeyring | undefined,
): Promise<string[]> {
  const found: { holder: Record<string | number, unknown>; key: string | number; path: YamlPath }[] = [];
  walkVaulted(src.data, (holder, key, path) => found.push({ holder, key, path }));
  const secrets: string[] = [];
  const errors: ConfigError[] = [];
  for (const { holder, key, path } of found) {
    const vaulted = holder[key] as VaultedText;
    try {
      if (!keyring)
        throw new VaultError("encrypted with ansible-vault, and no vault password was given", "password");
      const clear = (await keyring.open(vaulted.text)).toString("utf8");
      holder[key] = clear;
      secrets.push(clear);
    } catch (e) {
      errors.push(vaultError(e, { file: src.file, path: dotPath(path), line: src.lineOf(path) }));
    }
  }
  // In the order a person reads the file.
  errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
  if (errors.length === 1 && errors[0]) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
  return secrets;
}

/**
 * Parses a variables file that may be vault-encrypted as a whole, or hold `!vault` values, or
 * both; returns it in clear with every decrypted value. Lines are those of the clear text (what
 * `ansible-vault view` shows) for an encrypted file.
 *
 * @example const { src, secrets } = await parseVaultedYaml(text, "group_vars/all.yml", keyring)
 */
export async function parseVaultedYaml(
  text: string,
  file: string,
  keyring: VaultKeyring | undefined,
): Promise<OpenedYaml> {
  if (isVaultText(text)) {
    let clear: string;
    try {
      if (!keyring)
        throw new VaultError(
          "file is encrypted with ansible-vault, and no vault password was given",
          "password",
        );
      clear = (await keyring.open(text)).toString("utf8");
    } catch (e) {
      throw vaultError(e, { file, line: 1 });
    }
    const src = parseYaml(clear, file);
    const secrets: string[] = [];
    leaves(src.data, secrets);
    secrets.push(...(await openInlineVaults(src, keyring)));
    return { src, secrets };
  }
  const src = parseYaml(text, file);
  return { src, secrets: await openInlineVaults(src, keyring) };
}
