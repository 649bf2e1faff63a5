/**
 * `ops vault edit`'s temporary clear text: a 0600 file in a 0700 folder of its own, in memory-backed
 * storage (/dev/shm) where there is one, removed when the editor returns and also when ops is
 * interrupted or crashes (signals.ts's removeOnExit), so the clear text never outlives the edit.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ConfigError } from "../errors.js";
import { removeOnExit } from "./signals.js";

/** Memory-backed when the machine has it: a crash with SIGKILL then leaves nothing on a disk. */
function tempBase(): string {
  try {
    if (statSync("/dev/shm").isDirectory()) return "/dev/shm";
  } catch {
    // no /dev/shm (macOS): the system's temporary folder
  }
  return tmpdir();
}

/** Runs `$EDITOR file` through the shell (EDITOR may hold arguments: `code --wait`), as git does. */
function runEditor(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const editor = env.VISUAL || env.EDITOR || "vi";
  return new Promise((resolve, reject) => {
    // The file's path is an argument of the shell, never part of the command text.
    const child = spawn("/bin/sh", ["-c", `${editor} "$1"`, "ops-vault-edit", file], { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(signal ? 128 : (code ?? 1)));
  });
}

/**
 * Lets the user edit `clear` and returns the edited text (undefined when the editor failed).
 *
 * @example const edited = await editInTemp(clear, "group_vars/all.yml")
 */
export async function editInTemp(
  clear: Buffer,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Buffer | undefined> {
  const dir = mkdtempSync(join(tempBase(), "ops-vault-"));
  const temp = removeOnExit(dir, (p) => rmSync(p, { recursive: true, force: true }));
  try {
    const file = join(dir, basename(name));
    writeFileSync(file, clear, { mode: 0o600, flag: "wx" });
    const code = await runEditor(file, env);
    if (code !== 0) {
      throw new ConfigError(`the editor exited with ${code}; the vault is unchanged`, { file: name });
    }
    return readFileSync(file);
  } finally {
    temp.release();
  }
}
