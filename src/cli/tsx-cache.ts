/**
 * tsx caches what it compiles in `<os.tmpdir()>/tsx-<uid>`, a directory it creates with the default
 * mode (0755 under the usual umask): anyone on the machine could read the compiled source of a user's
 * playbook. Worse, the name is predictable in a shared /tmp, so another user could create it first
 * and plant compiled code that tsx would then load. Before tsx is loaded, make that directory ours
 * and private (0700), or, when it cannot be trusted, turn tsx's cache off for this process.
 */
import { chmod, lstat, mkdir } from "node:fs/promises";
import { tmpdir as systemTmpdir } from "node:os";
import { join } from "node:path";

export type TsxCacheState = { private: true; dir: string } | { private: false; dir?: string; reason: string };

export interface TsxCacheOptions {
  /** Default os.tmpdir(), which is what tsx uses. */
  tmpdir?: string;
  /** Default process.geteuid(), which is what tsx names the directory after. */
  uid?: number;
  /** Where TSX_DISABLE_CACHE is set when the cache cannot be made private. Default process.env. */
  env?: Record<string, string | undefined>;
}

/**
 * Makes tsx's compile cache private to the user: creates `<tmpdir>/tsx-<uid>` with mode 0700 or
 * tightens an existing one of ours to 0700. A directory that is not ours, a symbolic link or anything
 * else in its place is not trusted: the cache is disabled (TSX_DISABLE_CACHE=1) instead. Call it
 * before the first `import("tsx/…")`; it never throws.
 *
 * @example await makeTsxCachePrivate(); const { tsImport } = await import("tsx/esm/api");
 */
export async function makeTsxCachePrivate(options: TsxCacheOptions = {}): Promise<TsxCacheState> {
  const env = options.env ?? process.env;
  const uid = options.uid ?? process.geteuid?.();
  const disable = (reason: string, dir?: string): TsxCacheState => {
    env.TSX_DISABLE_CACHE = "1";
    return dir === undefined ? { private: false, reason } : { private: false, dir, reason };
  };
  if (uid === undefined) return disable("no numeric user id on this platform");
  const dir = join(options.tmpdir ?? systemTmpdir(), `tsx-${uid}`);
  try {
    await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    // lstat, not stat: a symbolic link planted in /tmp must not be followed.
    const stats = await lstat(dir);
    if (!stats.isDirectory()) return disable(`${dir} is not a directory`, dir);
    if (stats.uid !== uid) return disable(`${dir} belongs to uid ${stats.uid}, not ${uid}`, dir);
    if ((stats.mode & 0o777) !== 0o700) await chmod(dir, 0o700);
    return { private: true, dir };
  } catch (error) {
    return disable(`cannot prepare ${dir}: ${(error as Error).message}`, dir);
  }
}
