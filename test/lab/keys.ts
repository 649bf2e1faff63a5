// The client key pair and the known_hosts file, both in .state/. The key is made once per lab; known_hosts
// always holds the hosts' real keys as read from inside each container, never keys accepted on first use.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR } from "./config.js";
import { $ } from "./sh.js";

export const PRIVATE_KEY_FILE = join(STATE_DIR, "id_ed25519");
export const KNOWN_HOSTS_FILE = join(STATE_DIR, "known_hosts");

/** Returns the client's public key line, generating the key pair on first use. */
export async function ensureClientKey(): Promise<string> {
  if (!existsSync(PRIVATE_KEY_FILE)) {
    mkdirSync(STATE_DIR, { recursive: true });
    await $`ssh-keygen -q -t ed25519 -N ${""} -C ops-lab-client -f ${PRIVATE_KEY_FILE}`;
  }
  return readFileSync(`${PRIVATE_KEY_FILE}.pub`, "utf8").trim();
}

/** Rewrites known_hosts: one line per host key, `addr keytype base64` (port 22). */
export function writeKnownHosts(keys: Map<string, string[]>): void {
  const lines: string[] = [];
  for (const [address, pubs] of [...keys].sort()) {
    for (const pub of pubs) lines.push(`${address} ${pub.split(/\s+/).slice(0, 2).join(" ")}`);
  }
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(KNOWN_HOSTS_FILE, lines.join("\n") + "\n");
}

/** Reads known_hosts back as address -> key lines. */
export function readKnownHosts(): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  if (!existsSync(KNOWN_HOSTS_FILE)) return keys;
  for (const line of readFileSync(KNOWN_HOSTS_FILE, "utf8").split("\n")) {
    const [address, type, key] = line.split(" ");
    if (address === undefined || type === undefined || key === undefined) continue;
    keys.set(address, [...(keys.get(address) ?? []), `${type} ${key}`]);
  }
  return keys;
}
