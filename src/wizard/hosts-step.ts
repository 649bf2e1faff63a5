/**
 * The first step: which inventory (a new one, or an existing one to extend), which hosts, and how
 * to log in to them. Nothing here connects; the probe step does, with these answers.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { loadInventory } from "../inventory/load.js";
import type { VaultKeyring } from "../vault/keyring.js";
import type { Inventory } from "../inventory/types.js";
import type { Ask, Choice } from "./ask.js";
import type { LocalKey } from "./local-keys.js";
import { parseHostList, type HostAddress } from "./ranges.js";

export type AuthMethod = "agent" | "key" | "password";

export interface HostsAnswer {
  /** Absolute path of the inventory to write. */
  inventoryFile: string;
  /** The inventory being extended, as ops reads it; undefined for a new one. */
  existing: Inventory | undefined;
  /** New hosts to probe (addresses already in the inventory are left out). */
  addresses: HostAddress[];
  user: string;
  auth: AuthMethod;
  /** The private key to log in with (auth "key"). */
  keyFile: string | undefined;
  /** Secret: only ever handed to the transport, never written or printed. */
  password: string | undefined;
  become: boolean;
}

export interface HostsContext {
  /** The inventory path given on the command line, as the default answer. */
  inventory: string;
  cwd: string;
  keys: readonly LocalKey[];
  /** ssh-agent is running (SSH_AUTH_SOCK is set). */
  agent: boolean;
  localUser: string;
  home: string;
  /** Opens the vaults of an inventory being extended (ops init's vault options). */
  vault?: VaultKeyring | undefined;
  /** Writes a note for the person (never a secret). */
  say: (line: string) => void;
}

/** A line of the host list is fine when it parses; the reason when it does not. */
function validateLine(line: string): true | string {
  try {
    return parseHostList(line, "the list").length > 0 || "no address on this line";
  } catch (error) {
    return error instanceof ConfigError
      ? `${error.message}${error.hint ? ` (${error.hint})` : ""}`
      : String(error);
  }
}

/**
 * Asks the host questions (ids `inventory`, `hosts.addresses`, `ssh.*`).
 *
 * @example const hosts = await askHosts(ask, { inventory: "hosts.yaml", cwd, keys, agent: false, localUser: "me", say });
 */
export async function askHosts(ask: Ask, ctx: HostsContext): Promise<HostsAnswer> {
  const file = await ask.text("inventory", {
    message: "Inventory file to write (an existing one is extended, its comments kept)",
    default: ctx.inventory,
    validate: (v) => (v.trim() !== "" && !v.endsWith("/")) || "a file name, e.g. hosts.yaml",
  });
  const inventoryFile = resolve(ctx.cwd, file);
  const existing = existsSync(inventoryFile)
    ? await loadInventory(inventoryFile, { vault: ctx.vault }).catch((e: unknown) => {
        if (!(e instanceof ConfigError) || ctx.vault?.configured === true || !/vault/i.test(e.message))
          throw e;
        throw new ConfigError(
          e.message,
          e.location,
          "it holds vault-encrypted values: give ops init its password (--vault-password-file FILE, --vault-id, --ask-vault-pass or OPS_VAULT_PASSWORD_FILE)",
        );
      })
    : undefined;
  if (existing) {
    ctx.say(`  ${file} has ${existing.hosts.length} host(s): they are kept, new hosts are added.`);
  }

  const lines = await ask.lines("hosts.addresses", {
    message: "Host addresses, one per line (ranges such as 10.0.0.[10:19] are expanded)",
    validate: validateLine,
  });
  const known = new Set(existing?.hosts.map((h) => `${h.connection.address}:${h.connection.port ?? 22}`));
  const addresses: HostAddress[] = [];
  const seen = new Set<string>();
  lines.forEach((line, index) => {
    for (const target of parseHostList(line, "hosts.addresses", index + 1)) {
      const key = `${target.address}:${target.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (known.has(key)) ctx.say(`  ${target.address} is already in ${file}: left as it is.`);
      else addresses.push(target);
    }
  });
  if (addresses.length === 0) {
    throw new ConfigError(
      "no new host to add",
      { file: inventoryFile },
      "give addresses not yet in the inventory",
    );
  }
  ctx.say(`  ${addresses.length} host(s): ${summarize(addresses)}`);

  const defaultUser = existing?.hosts[0]?.connection.user ?? "root";
  const user = await ask.text("ssh.user", {
    message: "SSH user",
    default: defaultUser,
    validate: (v) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(v) || "a user name such as root or admin",
  });

  const methods: Choice<AuthMethod>[] = [
    {
      value: "agent",
      name: "ssh-agent",
      ...(ctx.agent ? {} : { disabled: "no agent is running (SSH_AUTH_SOCK is not set)" }),
    },
    { value: "key", name: "a key file" },
    { value: "password", name: "a password (ops init can install your key, so the password is not kept)" },
  ];
  const auth = await ask.choose("ssh.auth", {
    message: "How do you log in?",
    choices: methods,
    default: ctx.agent ? "agent" : ctx.keys.length > 0 ? "key" : "password",
  });
  let keyFile: string | undefined;
  if (auth === "key") {
    const typed = await ask.chooseOrType("ssh.key_file", {
      message: "Which key?",
      choices: ctx.keys.map((k) => ({ value: k.path, name: `${k.path}  (${k.type} ${k.fingerprint})` })),
      ...(ctx.keys[0] ? { default: ctx.keys[0].path } : {}),
      other: {
        name: "another file…",
        message: "Private key file",
        validate: (v) => existsSync(expandHome(v, ctx.home)) || `${v} does not exist`,
      },
    });
    keyFile = expandHome(typed, ctx.home);
  }
  const password =
    auth === "password" ? await ask.secret("ssh.password", { message: `Password of ${user}` }) : undefined;
  const become =
    user === "root"
      ? false
      : await ask.yesNo("ssh.become", {
          message: `Run as root through sudo (${user} is not root)?`,
          default: true,
        });
  return { inventoryFile, existing, addresses, user, auth, keyFile, password, become };
}

/** `~/x` is x in the home folder, as a shell would read it. */
export function expandHome(path: string, home: string): string {
  return path === "~" ? home : path.startsWith("~/") ? resolve(home, path.slice(2)) : resolve(path);
}

/** `10.0.0.10 … 10.0.0.19` for long lists, every address for short ones. */
function summarize(addresses: readonly HostAddress[]): string {
  const shown = addresses.map((a) => (a.port === 22 ? a.address : `${a.address}:${a.port}`));
  return shown.length <= 6 ? shown.join(", ") : `${shown.slice(0, 3).join(", ")} … ${shown.at(-1) ?? ""}`;
}
