/**
 * Reading and appending to a known_hosts file. Appends are atomic (temp file + rename) and
 * serialised per file inside the process, because many hosts may be accepted at once and a
 * read-modify-write race would silently drop lines.
 */
import { mkdir, readFile, rename, writeFile, chmod, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { randomBytes } from "node:crypto";
import { knownHostName, parseKnownHosts, type KnownHostEntry } from "./known-hosts.js";

/** Parsed entries of a known_hosts file; a missing file has none. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

const queues = new Map<string, Promise<void>>();

/**
 * Appends `host keyType keyBase64` (or `[host]:port …` off port 22) to a known_hosts file.
 * The file is created with mode 0600 (its directory 0700) when missing; an existing file keeps
 * its content and is replaced atomically, so a crash never leaves half a file.
 *
 * @example await appendKnownHost("/root/.ssh/known_hosts", "10.0.0.5", 2222, "ssh-ed25519", "AAAAC3…")
 */
export function appendKnownHost(
  file: string,
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): Promise<void> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(() => writeAppended(file, host, port, keyType, keyBase64));
  queues.set(file, next);
  // Drop the queue entry once idle, so a long-lived process does not keep one per file forever.
  void next.finally(() => {
    if (queues.get(file) === next) queues.delete(file);
  });
  return next;
}

async function writeAppended(
  file: string,
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): Promise<void> {
  let current = "";
  try {
    current = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  const separator = current === "" || current.endsWith("\n") ? "" : "\n";
  const content = `${current}${separator}${knownHostName(host, port)} ${keyType} ${keyBase64}\n`;
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, content, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
