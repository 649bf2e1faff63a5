/**
 * Reading a known_hosts file safely: only a regular file, never more than a bounded size, and a
 * failure described in words a user can act on (which file, and why), not a bare errno.
 *
 * A FIFO would block the read forever and `/dev/zero` would grow without end: the shared reader
 * (src/fs/read-file.ts) opens non-blocking and checks the type on the open descriptor first.
 */
import { ConfigError } from "../errors.js";
import { READ_LIMITS, readUserFileIfExistsSync } from "../fs/read-file.js";

/** A known_hosts file larger than this is refused: 16 MiB is about 150,000 host lines. */
export const KNOWN_HOSTS_MAX_BYTES = READ_LIMITS.knownHosts;

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

const NOT_A_FILE_HINT =
  "give the path of a known_hosts file (--known-hosts FILE, or known_hosts: in the inventory)";
const WHAT = "known_hosts file";

/**
 * Reads at most `maxBytes` of a regular file as UTF-8, through the one bounded reader every
 * user-named file goes through; undefined when the file does not exist. Throws KnownHostsFileError
 * for anything else: not a regular file, too large, unreadable.
 *
 * @example const text = await readKnownHostsText("/root/.ssh/known_hosts"); // string | undefined
 */
export async function readKnownHostsText(
  file: string,
  maxBytes = KNOWN_HOSTS_MAX_BYTES,
): Promise<string | undefined> {
  try {
    return readUserFileIfExistsSync(file, { what: WHAT, maxBytes });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const why = error.message.startsWith(`cannot read ${WHAT}: `)
      ? `cannot be read: ${error.message.slice(`cannot read ${WHAT}: `.length)}`
      : error.message.startsWith(`${WHAT} `)
        ? error.message.slice(WHAT.length + 1)
        : error.message;
    const hint = /not a regular file|larger than/.test(why)
      ? NOT_A_FILE_HINT
      : (error.hint ?? "check the file, or point ops at another one with --known-hosts");
    throw new KnownHostsFileError(why, hint);
  }
}
