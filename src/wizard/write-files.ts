/**
 * Writes several files as one: every new content goes to a temp file beside its target first, and
 * only when all of them are written are they renamed over the targets. A failure before the renames
 * leaves every target as it was; a failure during them puts back the ones already replaced.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors.js";

export interface FileToWrite {
  path: string;
  content: string;
  /** Mode of a new file. Default 0644; an existing file keeps its mode unless `exactMode`. */
  mode?: number;
  /** Use `mode` even over an existing file's (a file that now holds passwords in clear). */
  exactMode?: boolean;
}

interface Staged {
  file: FileToWrite;
  temp: string;
  /** What the target held before, to put back; undefined when it did not exist. */
  previous: Buffer | undefined;
  previousMode: number | undefined;
}

/**
 * Writes all files or none.
 *
 * @example await writeFilesAtomically([{ path: "hosts.yaml", content }, { path: "group_vars/all.yaml", content: vars }])
 */
export async function writeFilesAtomically(files: readonly FileToWrite[]): Promise<void> {
  const staged: Staged[] = [];
  const madeDirs: string[] = [];
  try {
    for (const file of files) {
      const made = await mkdir(dirname(file.path), { recursive: true });
      if (made !== undefined) madeDirs.push(made);
      const info = await stat(file.path).catch(() => undefined);
      const temp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(4).toString("hex")}.tmp`);
      const mode = info && !file.exactMode ? info.mode & 0o777 : (file.mode ?? 0o644);
      staged.push({
        file,
        temp,
        previous: info ? await readFile(file.path) : undefined,
        previousMode: info ? mode : undefined,
      });
      await writeFile(temp, file.content, { mode, flag: "wx" });
    }
  } catch (error) {
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    // Folders made for the files go too (they hold nothing else yet: they did not exist).
    for (const dir of madeDirs.reverse())
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw writeError(error, files);
  }
  const done: Staged[] = [];
  try {
    for (const s of staged) {
      await rename(s.temp, s.file.path);
      done.push(s);
    }
  } catch (error) {
    for (const s of done.reverse()) {
      if (s.previous === undefined) await rm(s.file.path, { force: true }).catch(() => undefined);
      else await writeFile(s.file.path, s.previous, { mode: s.previousMode }).catch(() => undefined);
    }
    await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
    throw writeError(error, files);
  }
}

function writeError(error: unknown, files: readonly FileToWrite[]): ConfigError {
  const e = error as NodeJS.ErrnoException;
  const file = e.path ?? files[0]?.path;
  return new ConfigError(
    `could not write the inventory: ${e.code ?? e.message}`,
    file ? { file } : {},
    "nothing was changed: check the folder's permissions and free space, then run ops init again",
  );
}
