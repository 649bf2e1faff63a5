/**
 * Where vault passwords come from, as in Ansible: a file holding the password (its surrounding
 * white space dropped), an executable that prints it (`--vault-password-file` naming a script:
 * a password manager's client, say), or a hidden prompt. Every problem is a ConfigError naming the
 * file; the password itself never appears in a message.
 */
import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { ConfigError } from "../errors.js";
import { readUserFileSync } from "../fs/read-file.js";
import { DEFAULT_VAULT_ID, type PasswordSource } from "./keyring.js";

/** A password file is a line or two; a script that prints more is broken. */
const MAX_PASSWORD_BYTES = 64 * 1024;
/** A password script that has not answered in this long (a prompt nobody sees) is stopped. */
const SCRIPT_TIMEOUT_MS = 60_000;

function nonEmpty(password: Buffer, file: string): Buffer {
  if (password.length === 0)
    throw new ConfigError(
      "the vault password is empty",
      { file },
      "put the password on the file's first line",
    );
  return password;
}

function isExecutable(file: string): boolean {
  try {
    const s = statSync(file);
    return s.isFile() && (s.mode & 0o111) !== 0;
  } catch {
    return false; // missing: reading it says so with the file's name
  }
}

function runScript(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [],
      { encoding: "buffer", timeout: SCRIPT_TIMEOUT_MS, maxBuffer: MAX_PASSWORD_BYTES, windowsHide: true },
      (error, stdout) => {
        if (error) {
          const why = error.killed ? "timed out" : `failed (${error.code ?? error.message})`;
          reject(new ConfigError(`vault password script ${why}`, { file }));
          return;
        }
        // Ansible keeps the script's output but its line ending.
        let end = stdout.length;
        while (end > 0 && (stdout[end - 1] === 0x0a || stdout[end - 1] === 0x0d)) end--;
        resolve(nonEmpty(stdout.subarray(0, end), file));
      },
    );
  });
}

/**
 * `--vault-password-file FILE`, `--vault-id ID@FILE` or OPS_VAULT_PASSWORD_FILE: the file's text
 * trimmed, or what it prints when it is executable.
 *
 * @example await filePasswordSource("/home/me/.vault-pass").load()
 */
export function filePasswordSource(file: string, id: string = DEFAULT_VAULT_ID): PasswordSource {
  return {
    id,
    describe: file,
    async load() {
      if (isExecutable(file)) return runScript(file);
      const text = readUserFileSync(file, { what: "vault password file", maxBytes: MAX_PASSWORD_BYTES });
      return nonEmpty(Buffer.from(text.trim(), "utf8"), file);
    },
  };
}

/**
 * `--ask-vault-pass`: asks once, without echo, when a vault first needs it.
 *
 * @example promptPasswordSource((message) => password({ message }))
 */
export function promptPasswordSource(
  ask: (message: string) => Promise<string>,
  id: string = DEFAULT_VAULT_ID,
): PasswordSource {
  return {
    id,
    describe: "--ask-vault-pass",
    async load() {
      const label = id === DEFAULT_VAULT_ID ? "" : ` for ${id}`;
      return nonEmpty(Buffer.from(await ask(`Vault password${label}:`), "utf8"), "--ask-vault-pass");
    },
  };
}
