/**
 * Which credentials to offer, in which order, as an ssh2 `authHandler`. ssh2 takes only one
 * private key in its config; a handler lets us offer every IdentityFile, the agent and a password
 * the way OpenSSH does, and lets the error say what was tried (never the secrets themselves).
 */
import ssh2 from "ssh2";
import type { AnyAuthMethod, AuthHandlerMiddleware } from "ssh2";
import { ConnectError } from "../errors.js";
import { readUserFileSync } from "../fs/read-file.js";
import type { SshEndpoint } from "./ssh-config.js";

/** Key files are text (OpenSSH or PEM); 1 MiB is far above any key. */
const PRIVATE_KEY_MAX_BYTES = 1024 * 1024;

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** Human list of what will be offered, e.g. ["ssh-agent", "key /root/.ssh/id_ed25519", "password"]. */
  offered: string[];
}

/**
 * Reads the identity files and builds the handler. Order: an inventory key alone when one is named,
 * else the agent then the identity files; the password last. A passphrase-protected key is skipped
 * (its agent copy still works) unless the inventory named it, which is an error worth saying.
 */
export async function planAuth(
  name: string,
  endpoint: SshEndpoint,
  agent: string | undefined,
  password: string | undefined,
): Promise<AuthPlan> {
  const methods: AnyAuthMethod[] = [];
  const offered: string[] = [];
  const username = endpoint.user;
  if (agent && !endpoint.explicitKey) {
    methods.push({ type: "agent", username, agent });
    offered.push("ssh-agent");
  }
  for (const file of endpoint.identityFiles) {
    const key = await readKey(name, file, endpoint.explicitKey);
    if (key === undefined) continue;
    methods.push({ type: "publickey", username, key });
    offered.push(`key ${file}`);
  }
  if (password !== undefined) {
    methods.push({ type: "password", username, password });
    offered.push("password");
  }
  let next = 0;
  const handler: AuthHandlerMiddleware = (_left, _partial, callback) => {
    const method = methods[next];
    next += 1;
    // `false` tells ssh2 there is nothing left to try; it then fails with client-authentication.
    callback(method ?? (false as unknown as AnyAuthMethod));
  };
  return { handler, offered };
}

async function readKey(name: string, file: string, explicit: boolean): Promise<Buffer | undefined> {
  let data: Buffer;
  try {
    data = Buffer.from(
      readUserFileSync(file, { what: "private key", maxBytes: PRIVATE_KEY_MAX_BYTES }),
      "utf8",
    );
  } catch (error) {
    if (!explicit) return undefined;
    throw new ConnectError(
      name,
      error instanceof Error
        ? error.message.replace(/^private key/, `the private key ${file}`)
        : String(error),
      "check ansible_ssh_private_key_file for this host",
    );
  }
  const parsed = ssh2.utils.parseKey(data);
  if (!(parsed instanceof Error)) return data;
  if (!explicit) return undefined;
  const encrypted = /encrypted|passphrase/i.test(parsed.message);
  throw new ConnectError(
    name,
    encrypted
      ? `the private key ${file} is protected by a passphrase`
      : `the private key ${file} cannot be read: ${parsed.message}`,
    encrypted
      ? "load it into ssh-agent (ssh-add) and set SSH_AUTH_SOCK, or use a key without a passphrase"
      : "",
  );
}
