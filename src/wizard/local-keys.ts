/**
 * The user's own SSH keys on this machine (`~/.ssh/id_*` with their `.pub`), to log in with or to
 * install on the hosts, and a new one made with ssh-keygen when there is none.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { ConfigError } from "../errors.js";
import { readUserFileIfExistsSync } from "../fs/read-file.js";

export interface LocalKey {
  /** The private key file. */
  path: string;
  /** The public key line as in the .pub file: `type base64 [comment]`. */
  publicKey: string;
  type: string;
  /** `SHA256:...` as ssh-keygen -l prints it. */
  fingerprint: string;
}

/** Order in which keys are offered: the modern type first, as OpenSSH itself tries them. */
const PREFERRED = ["id_ed25519", "id_ecdsa", "id_rsa"];

/**
 * Reads a public key line; undefined when it is not one.
 *
 * @example parsePublicKey("ssh-ed25519 AAAAC3Nza... me@laptop")?.type === "ssh-ed25519"
 */
export function parsePublicKey(
  text: string,
): { publicKey: string; type: string; fingerprint: string } | undefined {
  const line = text
    .split(/\r?\n/)
    .find((l) => l.trim() !== "" && !l.startsWith("#"))
    ?.trim();
  const [type, blob] = line?.split(/\s+/) ?? [];
  if (!line || !type || !blob || !/^(ssh-|ecdsa-|sk-)/.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) {
    return undefined;
  }
  const digest = createHash("sha256").update(Buffer.from(blob, "base64")).digest("base64").replace(/=+$/, "");
  return { publicKey: line, type, fingerprint: `SHA256:${digest}` };
}

/**
 * The key pairs in `dir` (default `~/.ssh`) that have both halves, preferred types first.
 *
 * @example await findLocalKeys("/home/me/.ssh") // [{ path: "/home/me/.ssh/id_ed25519", type: "ssh-ed25519", ... }]
 */
export async function findLocalKeys(dir: string): Promise<LocalKey[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const candidates = names.filter((n) => /^id_[A-Za-z0-9_-]+$/.test(n) && names.includes(`${n}.pub`));
  candidates.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const keys: LocalKey[] = [];
  for (const name of candidates) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    const parsed = parsePublicKey(readPublicKey(`${path}.pub`) ?? "");
    if (parsed) keys.push({ path, ...parsed });
  }
  return keys;
}

/** A .pub file's text, read the bounded way (a public key is a line); undefined when unreadable. */
function readPublicKey(path: string): string | undefined {
  try {
    return readUserFileIfExistsSync(path, { what: "public key", maxBytes: 64 * 1024 });
  } catch {
    return undefined;
  }
}

function rank(name: string): number {
  const i = PREFERRED.indexOf(name);
  return i < 0 ? PREFERRED.length : i;
}

/**
 * Makes a new ed25519 key pair without a passphrase (ssh-keygen, arguments passed as a list: no
 * shell). Refuses to overwrite a file.
 *
 * @example await createLocalKey("/home/me/.ssh/id_ed25519", "me@laptop")
 */
export async function createLocalKey(path: string, comment: string): Promise<LocalKey> {
  if (await stat(path).catch(() => undefined)) {
    throw new ConfigError(`${path} already exists`, { file: path }, "choose that key instead of a new one");
  }
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await promisify(execFile)("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path]);
  } catch (error) {
    const reason = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new ConfigError(
      `ssh-keygen could not create ${path}: ${reason}`,
      { file: path },
      "is openssh-client installed?",
    );
  }
  const parsed = parsePublicKey(readPublicKey(`${path}.pub`) ?? "");
  if (!parsed)
    throw new ConfigError(`ssh-keygen wrote no public key beside ${path}`, { file: `${path}.pub` });
  return { path, ...parsed };
}
