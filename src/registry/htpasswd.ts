/**
 * The htpasswd file nginx checks passwords against, planned on the control machine. bcrypt salts
 * are random, so hashing every run would rewrite the file every run and no run would be a no-op:
 * an account whose password still matches the hash the host has keeps that hash, byte for byte.
 * Hashes are made here (bcryptjs), and the file reaches the host on stdin, never in argv.
 */
import bcrypt from "bcryptjs";

/**
 * bcrypt's cost: 2^6 rounds. Why not 10: nginx has no tokens, so it checks the password on EVERY
 * request (a push is dozens of them), synchronously inside its worker's event loop; at cost 10
 * each check takes tens of milliseconds of the registry host's CPU and stalls every other request
 * of that worker. Apache's `htpasswd -B` defaults to 5. On the host only root reaches the file
 * (the project folder is 0700); inside the container nginx's workers read it.
 * nginx (libxcrypt) checks the `$2b$` hashes bcryptjs makes.
 */
export const BCRYPT_COST = 6;

/**
 * The account a login name that is no account is checked against (nginx.conf.ejs), so that a wrong
 * name costs the same bcrypt as a wrong password and the time of a refusal names no account. Its
 * hash is of a random password nobody kept, at BCRYPT_COST; the name is not a valid account name
 * (`registry_users` names cannot hold `@`), so no account can ever be it.
 */
export const DECOY_ACCOUNT = "ops@decoy";
export const DECOY_HTPASSWD = `${DECOY_ACCOUNT}:$2b$06$tZDaseLlVGhbk1Jw6RxyB.9Xg8Z6c/0hxkNBOMPfsKJIOyxFpO6Sm\n`;

export interface Hasher {
  hash(password: string): string;
  matches(password: string, hash: string): boolean;
}

export const bcryptHasher: Hasher = {
  hash: (password) => bcrypt.hashSync(password, BCRYPT_COST),
  matches: (password, hash) => /^\$2[aby]\$/.test(hash) && bcrypt.compareSync(password, hash),
};

/**
 * `name:hash` lines of an htpasswd file into a map (later lines win, as nginx reads them).
 *
 * @example parseHtpasswd("dev:$2b$06$...\n").get("dev") // "$2b$06$..."
 */
export function parseHtpasswd(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at > 0 && !line.startsWith("#")) out.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return out;
}

/**
 * The file's next content: one line per account in the order given; a hash kept when the password
 * still matches it, made anew otherwise; accounts no longer listed are gone.
 *
 * @example htpasswdContent([{ name: "alice", password: "s3cret-pw" }], current, bcryptHasher) // "alice:$2b$10$...\n"
 */
export function htpasswdContent(
  accounts: readonly { name: string; password: string }[],
  current: string | null,
  hasher: Hasher = bcryptHasher,
): string {
  const existing = parseHtpasswd(current ?? "");
  const lines = accounts.map((a) => {
    const had = existing.get(a.name);
    const hash = had !== undefined && hasher.matches(a.password, had) ? had : hasher.hash(a.password);
    return `${a.name}:${hash}`;
  });
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
