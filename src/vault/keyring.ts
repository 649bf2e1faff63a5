/**
 * The vault passwords of one command: loaded the first time a vault needs one (a run with no vault
 * never reads a password file or prompts), tried as Ansible tries them (the secret whose id the
 * header names first, then the others), and wiped from memory by `dispose()` when the command no
 * longer needs them. Decrypted values themselves are plain strings, which JavaScript cannot wipe:
 * they live in the run's variables and are dropped with them.
 */
import { openEnvelope, parseVault, VaultError } from "./format.js";

/** One password and the vault id it is for (`default` when none was named). */
export interface VaultSecret {
  id: string;
  password: Buffer;
}

/** Where a password comes from: a file, a script, a prompt. `describe` names it in messages. */
export interface PasswordSource {
  id: string;
  describe: string;
  load(): Promise<Buffer>;
}

export interface VaultKeyring {
  /** True when at least one password source was given. */
  readonly configured: boolean;
  /** The clear bytes of a vault's text; a VaultError ("format" or "password") when it cannot be opened. */
  open(text: string): Promise<Buffer>;
  /** As `open`, with the secret that opened it and the header's vault id (to encrypt an edit alike). */
  openFor(text: string): Promise<{ clear: Buffer; secret: VaultSecret; vaultId?: string }>;
  /** The secret to encrypt with: the one of vault id `id` when given, else the first source's. */
  first(id?: string): Promise<VaultSecret>;
  /** Overwrites the loaded passwords with zeros. */
  dispose(): void;
}

export const DEFAULT_VAULT_ID = "default";

/**
 * @example const keyring = createKeyring([filePasswordSource("~/.vault-pass")]); await keyring.open(text)
 */
export function createKeyring(sources: readonly PasswordSource[]): VaultKeyring {
  let loaded: Promise<VaultSecret[]> | undefined;
  let secrets: VaultSecret[] = [];
  const load = () =>
    (loaded ??= (async () => {
      secrets = [];
      for (const s of sources) secrets.push({ id: s.id, password: await s.load() });
      return secrets;
    })());
  const keyring: VaultKeyring = {
    configured: sources.length > 0,
    async open(text) {
      return (await keyring.openFor(text)).clear;
    },
    async openFor(text) {
      const envelope = parseVault(text);
      if (sources.length === 0)
        throw new VaultError("encrypted with ansible-vault, and no vault password was given", "password");
      const all = await load();
      const ordered = [
        ...all.filter((s) => s.id === envelope.vaultId),
        ...all.filter((s) => s.id !== envelope.vaultId),
      ];
      for (const secret of ordered) {
        try {
          const clear = openEnvelope(envelope, secret.password);
          return { clear, secret, ...(envelope.vaultId !== undefined ? { vaultId: envelope.vaultId } : {}) };
        } catch (e) {
          if (!(e instanceof VaultError) || e.reason !== "password") throw e;
        }
      }
      const which = envelope.vaultId ? ` (vault id '${envelope.vaultId}')` : "";
      throw new VaultError(
        `cannot decrypt${which}: wrong vault password, or the vault was altered (HMAC mismatch)`,
        "password",
      );
    },
    async first(id) {
      const all = await load();
      const secret = id === undefined ? all[0] : all.find((s) => s.id === id);
      if (!secret)
        throw new VaultError(`no vault password was given${id ? ` for vault id '${id}'` : ""}`, "password");
      return secret;
    },
    dispose() {
      for (const s of secrets) s.password.fill(0);
      secrets = [];
      loaded = undefined;
    },
  };
  return keyring;
}

/**
 * Two keyrings as one: a vault the first cannot open is tried with the second (an inventory's own
 * vaults, opened with the person's password, beside the values `ops init` just encrypted).
 *
 * @example joinKeyrings(keyringFrom(opts), createKeyring([fixedPassword(made)]))
 */
export function joinKeyrings(a: VaultKeyring, b: VaultKeyring): VaultKeyring {
  const openFor: VaultKeyring["openFor"] = async (text) => {
    if (!a.configured) return b.openFor(text);
    try {
      return await a.openFor(text);
    } catch (e) {
      if (!b.configured || !(e instanceof VaultError) || e.reason !== "password") throw e;
      return b.openFor(text);
    }
  };
  return {
    configured: a.configured || b.configured,
    openFor,
    open: async (text) => (await openFor(text)).clear,
    first: (id) => (a.configured ? a.first(id) : b.first(id)),
    dispose() {
      a.dispose();
      b.dispose();
    },
  };
}

/**
 * A password already in memory (the one `ops init` just made or read) as a source.
 *
 * @example createKeyring([fixedPassword(vaultPassword)])
 */
export function fixedPassword(password: string, id: string = DEFAULT_VAULT_ID): PasswordSource {
  return { id, describe: "the vault password", load: async () => Buffer.from(password, "utf8") };
}
