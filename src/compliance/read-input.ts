/**
 * Reads a file a user named (a policy, a waivers file) as text, refusing what is not a regular file
 * or is larger than a cap, with a ConfigError naming the file.
 *
 * TODO(replace): the project's bounded reader (src/fs/read-file.ts, readUserFileSync) does the
 * same for every input; once it is on main this file goes and its callers use that one.
 */
import { readFileSync, statSync } from "node:fs";
import { ConfigError } from "../errors.js";

/** Policies and waiver lists are small: a megabyte is far more than any will need. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * @example readInputFile("policy.yaml", "policy file")
 * @throws ConfigError "policy file not found" (with the file), "... is a directory, not a regular file", "... is larger than ..."
 */
export function readInputFile(file: string, what: string): string {
  let size: number;
  try {
    const s = statSync(file);
    if (!s.isFile()) throw new ConfigError(`${what} is not a regular file`, { file }, "name a regular file");
    size = s.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ConfigError(`${what} not found`, { file });
    throw new ConfigError(`cannot read ${what}: ${code ?? String(err)}`, { file });
  }
  if (size > MAX_INPUT_BYTES)
    throw new ConfigError(`${what} is larger than ${MAX_INPUT_BYTES} bytes, the most ops reads`, { file });
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      file,
    });
  }
}
