/**
 * The one way ops reads a file a user named (inventory, group_vars, host_vars, `-e @file`,
 * known_hosts, policies): only a regular file, never more than a cap. A FIFO, a socket, a device
 * such as /dev/zero or a directory is refused at once with a ConfigError naming the file, and the
 * read stops one byte past the cap, so no input can hang ops or grow its memory without bound.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { ConfigError } from "../errors.js";

const MiB = 1024 * 1024;

/**
 * Caps, in bytes. A 20,000-host inventory is about 3 MB, so 64 MiB leaves room for inventories far
 * larger than any site has while still refusing a runaway file; a vars or known_hosts file of 16 MiB
 * is already absurd.
 */
export const READ_LIMITS = {
  inventory: 64 * MiB,
  vars: 16 * MiB,
  knownHosts: 16 * MiB,
} as const;

export interface ReadOptions {
  /** Refuse files larger than this many bytes (default READ_LIMITS.vars, 16 MiB). */
  maxBytes?: number;
  /** What the file is, for the message ("inventory file", "-e @file"); default "file". */
  what?: string;
  /** What to do when the file does not exist, shown under the message. */
  missingHint?: string;
}

const CHUNK = 64 * 1024;

function sizeText(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** Why a stat result is not something ops reads, or undefined for a regular file. */
function notRegular(s: {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
}) {
  if (s.isFile()) return undefined;
  if (s.isDirectory()) return "a directory";
  if (s.isFIFO()) return "a named pipe (FIFO)";
  if (s.isSocket()) return "a socket";
  return "a device";
}

/** What a path is, when opening it failed in a way that says it is not a file. */
function describeKind(file: string): string | undefined {
  try {
    return notRegular(statSync(file));
  } catch {
    return undefined;
  }
}

function cannotRead(file: string, what: string, error: unknown, missingHint?: string): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new ConfigError(`${what} not found`, { file }, missingHint);
  if (code === "EACCES" || code === "EPERM") {
    return new ConfigError(`cannot read ${what}: permission denied`, { file });
  }
  if (code === "ENOTDIR") return new ConfigError(`${what} not found (a parent is not a folder)`, { file });
  return new ConfigError(`cannot read ${what}: ${code ?? (error as Error).message}`, { file });
}

/** Opens without blocking (a FIFO with no writer would block open()) and without taking a tty. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

/**
 * Reads a user-named file as UTF-8 text. Refuses anything but a regular file (checked on the open
 * handle, so a file swapped after a check is still caught) and anything over `maxBytes`; never
 * buffers more than `maxBytes + 1` bytes, even when the size on disk lies (/proc files, a file
 * growing while read). Synchronous on purpose: it cannot block (non-blocking open, regular files
 * only) and four system calls cost far less than four trips through the thread pool, which matters
 * when an inventory has thousands of host_vars files.
 *
 * @example readUserFileSync("hosts.yaml", { maxBytes: READ_LIMITS.inventory, what: "inventory file" })
 * @throws ConfigError "-e @file is a device, not a regular file" for `-e @/dev/zero`
 */
export function readUserFileSync(file: string, options: ReadOptions = {}): string {
  const text = readOrMissing(file, options, false);
  if (text === undefined)
    throw cannotRead(file, options.what ?? "file", { code: "ENOENT" }, options.missingHint);
  return text;
}

/**
 * readUserFileSync for a file that may not exist yet (known_hosts before the first key is accepted):
 * undefined when it does not; every other problem is the same ConfigError.
 *
 * @example readUserFileIfExistsSync("/root/.ssh/known_hosts", { what: "known_hosts file", maxBytes: READ_LIMITS.knownHosts })
 */
export function readUserFileIfExistsSync(file: string, options: ReadOptions = {}): string | undefined {
  return readOrMissing(file, options, true);
}

function readOrMissing(file: string, options: ReadOptions, missingOk: boolean): string | undefined {
  const maxBytes = options.maxBytes ?? READ_LIMITS.vars;
  const what = options.what ?? "file";
  const refuse = (kind: string) =>
    new ConfigError(`${what} is ${kind}, not a regular file`, { file }, "name a regular file");
  let fd: number;
  try {
    fd = openSync(file, OPEN_FLAGS);
  } catch (e) {
    if (missingOk && (e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    // A socket cannot be opened (ENXIO): say what it is rather than quote the errno.
    const kind = (e as NodeJS.ErrnoException).code === "ENXIO" ? describeKind(file) : undefined;
    throw kind ? refuse(kind) : cannotRead(file, what, e, options.missingHint);
  }
  try {
    const opened = fstatSync(fd);
    const kind = notRegular(opened);
    if (kind) throw refuse(kind);
    const tooBig = () =>
      new ConfigError(
        `${what} is larger than ${sizeText(maxBytes)}, the most ops reads`,
        { file },
        "split it, or check that this is the file you meant",
      );
    if (opened.size > maxBytes) throw tooBig();
    const chunks: Buffer[] = [];
    let total = 0;
    // Room for the whole file plus one byte (to see the end) in one read; more only if it grew.
    let next = opened.size > 0 ? opened.size + 1 : CHUNK;
    for (;;) {
      const room = Math.min(next, maxBytes + 1 - total);
      const buffer = Buffer.allocUnsafe(room);
      const bytesRead = readSync(fd, buffer, 0, room, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === room ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooBig();
      // A short read is almost always the end: probe it with a small buffer, not a large one.
      next = bytesRead < room ? 1024 : CHUNK;
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } catch (e) {
    throw e instanceof ConfigError ? e : cannotRead(file, what, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * readUserFileSync for async callers (same checks, same errors, as a rejected promise).
 *
 * @example await readUserFile("vars.yaml", { what: "-e @file" })
 */
export async function readUserFile(file: string, options: ReadOptions = {}): Promise<string> {
  return readUserFileSync(file, options);
}
