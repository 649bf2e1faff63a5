/**
 * Reading and appending to a known_hosts file. Appends are atomic (temp file + rename in the
 * directory of the real file) and serialised per file inside the process, because many hosts may be
 * accepted at once and a read-modify-write race would silently drop lines.
 *
 * What an append keeps, and why:
 * - a symbolic link stays a link: the file it points to is the one rewritten;
 * - the file's mode, owner and group stay as they were; a file with no write bit at all (0444) was
 *   made read-only on purpose, so ops refuses to add to it rather than replace it;
 * - a file that already holds hashed names (`|1|salt|hmac`, `ssh-keygen -H`, HashKnownHosts) gets
 *   a hashed name too, so accepting a key does not reveal which hosts this machine talks to.
 * Every failure rejects with a KnownHostsFileError saying what failed, never a raw errno.
 */
import { createHmac, randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, lstat, mkdir, open, readlink, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { knownHostName, parseKnownHosts, type KnownHostEntry } from "./known-hosts.js";
import { describeFsError, KnownHostsFileError, readKnownHostsText } from "./known-hosts-read.js";

/**
 * Parsed entries of a known_hosts file; a missing file has none.
 * Rejects with KnownHostsFileError when it is not a readable regular file of a sane size.
 *
 * @example const entries = await readKnownHosts(`${homedir()}/.ssh/known_hosts`);
 */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  return parseKnownHosts((await readKnownHostsText(file)) ?? "");
}

const queues = new Map<string, Promise<void>>();

/**
 * Appends `host keyType keyBase64` (or `[host]:port …` off port 22, hashed when the file hashes)
 * to a known_hosts file. A missing file is created with mode 0600 (its directory 0700).
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
  const next = previous.then(() => writeAppended(file, host, port, keyType, keyBase64));
  // The queue itself must never hold a rejection: a failed append is the caller's to handle, and the
  // next append to the same file runs anyway.
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(file, settled);
  // Drop the queue entry once idle, so a long-lived process does not keep one per file forever.
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}

/**
 * The name written for host:port: plain, or `|1|salt|HMAC-SHA1(salt, name)` as `ssh-keygen -H` writes.
 *
 * @example hostField("db", 2222, false) // "[db]:2222"; with true: "|1|<20-byte salt>|<hmac>" (base64)
 */
export function hostField(host: string, port: number, hashed: boolean): string {
  const name = knownHostName(host, port);
  if (!hashed) return name;
  const salt = randomBytes(20);
  const hash = createHmac("sha1", salt).update(name).digest();
  return `|1|${salt.toString("base64")}|${hash.toString("base64")}`;
}

interface Target {
  /** The regular file to rewrite (the link's target when `file` is a symbolic link). */
  path: string;
  /** Its mode, owner and group, or undefined when it does not exist yet. */
  existing?: { mode: number; uid: number; gid: number };
}

async function writeAppended(
  file: string,
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): Promise<void> {
  const target = await step(`inspecting ${file}`, () => resolveTarget(file));
  const current = target.existing ? ((await readKnownHostsText(target.path)) ?? "") : "";
  if (!target.existing) await step(`creating ${dirname(target.path)}`, () => makeDir(target.path));
  const hashed = parseKnownHosts(current).some((entry) => entry.hashed !== undefined);
  const separator = current === "" || current.endsWith("\n") ? "" : "\n";
  const line = `${hostField(host, port, hashed)} ${keyType} ${keyBase64}\n`;
  const dir = dirname(target.path);
  const temp = join(dir, `.${basename(target.path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await step(`writing a temporary file in ${dir}`, async () => {
      const handle = await open(temp, "wx", 0o600);
      try {
        await handle.writeFile(`${current}${separator}${line}`);
        const { existing } = target;
        if (existing) {
          // chown before chmod: changing the owner may clear set-id bits that chmod then restores.
          if (existing.uid !== process.geteuid?.() || existing.gid !== process.getegid?.()) {
            await handle.chown(existing.uid, existing.gid).catch((error: unknown) => {
              throw new KnownHostsFileError(
                `cannot keep its owner (uid ${existing.uid}, gid ${existing.gid}): ${describeFsError(error)}`,
                "run ops as the file's owner, or add the key yourself",
              );
            });
          }
          await handle.chmod(existing.mode & 0o7777);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    await step(`replacing ${target.path}`, () => rename(temp, target.path));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Follows symbolic links to the file to rewrite, and refuses what must not be replaced. */
async function resolveTarget(file: string): Promise<Target> {
  let path: string;
  try {
    path = await realpath(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new KnownHostsFileError(`cannot be resolved: ${describeFsError(error)}`);
    }
    const link = await lstat(file).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      const to = await readlink(file).catch(() => "?");
      throw new KnownHostsFileError(
        `is a symbolic link to ${to}, which does not exist`,
        "create the file the link points to, or remove the link",
      );
    }
    return { path: file };
  }
  const stats = await stat(path);
  if (!stats.isFile()) {
    throw new KnownHostsFileError(
      `is not a regular file`,
      "give the path of a known_hosts file (--known-hosts FILE, or known_hosts: in the inventory)",
    );
  }
  const readOnly = (stats.mode & 0o222) === 0;
  const writable = await access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (readOnly || !writable) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, "0");
    const at = path === file ? "" : `, at ${path}`;
    throw new KnownHostsFileError(
      readOnly
        ? `is read-only (mode ${mode}${at}): ops does not change that`
        : `is not writable by this user (mode ${mode}, owner uid ${stats.uid}${at})`,
      "make it writable to let ops record keys, or add the key yourself",
    );
  }
  return { path, existing: { mode: stats.mode, uid: stats.uid, gid: stats.gid } };
}

async function makeDir(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
}

/** Runs one step of the write; a failure says which step and why, in words. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof KnownHostsFileError) throw error;
    throw new KnownHostsFileError(`${describeFsError(error)} ${what}`);
  }
}
