/**
 * Reading a known_hosts file safely: only a regular file, never more than a bounded size, and a
 * failure described in words a user can act on (which file, and why), not a bare errno.
 *
 * A FIFO would block the read forever and `/dev/zero` would grow without end, so the file is opened
 * non-blocking and its type checked on the open descriptor before a single byte is read.
 * (A shared bounded reader for every file ops reads would replace `readBounded` here.)
 */
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/** A known_hosts file larger than this is refused: 16 MiB is about 150,000 host lines. */
export const KNOWN_HOSTS_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Why a known_hosts file cannot be used. Internal to the transport: callers turn it into a
 * ConfigError (before a run) or a ConnectError (for one host), both naming the file.
 */
export class KnownHostsFileError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

const CODE_WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "the path is too long",
  EIO: "input/output error",
  EMFILE: "too many open files",
};

/**
 * An fs error as words plus its code, without the stack or the temp file names Node puts in messages.
 *
 * @example describeFsError(Object.assign(new Error("x"), { code: "EACCES" })) // "permission denied (EACCES)"
 */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && Object.hasOwn(CODE_WORDS, code)) return `${CODE_WORDS[code]} (${code})`;
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").replace(/^[A-Z]+: /, "");
}

/** What a file that is not a regular file is, for the message. */
function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO (named pipe)";
  if (stats.isSocket()) return "a socket";
  return "a device";
}

const NOT_A_FILE_HINT =
  "give the path of a known_hosts file (--known-hosts FILE, or known_hosts: in the inventory)";

/**
 * Reads at most `maxBytes` of a regular file as UTF-8; undefined when the file does not exist.
 * Throws KnownHostsFileError for anything else: not a regular file, too large, unreadable.
 *
 * @example const text = await readKnownHostsText("/root/.ssh/known_hosts"); // string | undefined
 */
export async function readKnownHostsText(
  file: string,
  maxBytes = KNOWN_HOSTS_MAX_BYTES,
): Promise<string | undefined> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new KnownHostsFileError(`cannot be read: ${describeFsError(error)}`, readHint(error));
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new KnownHostsFileError(`is ${kindOf(stats)}, not a file`, NOT_A_FILE_HINT);
    }
    return await readBounded(handle, maxBytes);
  } catch (error) {
    if (error instanceof KnownHostsFileError) throw error;
    throw new KnownHostsFileError(`cannot be read: ${describeFsError(error)}`, readHint(error));
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function readHint(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EACCES" || code === "EPERM") return "make the file readable by the user running ops";
  if (code === "EISDIR" || code === "ENOTDIR") return NOT_A_FILE_HINT;
  return "check the file, or point ops at another one with --known-hosts";
}

/** Reads the whole file but stops one byte past the bound, whatever stat says (files in /proc lie). */
async function readBounded(handle: FileHandle, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - total));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) {
      throw new KnownHostsFileError(
        `is larger than ${formatBytes(maxBytes)}, too large for a known_hosts file`,
        NOT_A_FILE_HINT,
      );
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${bytes} bytes`;
}
