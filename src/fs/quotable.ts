/**
 * Whether an error may quote what a local file holds. ops may run with more rights than the person
 * who named the file (under sudo, or a root schedule reading a path a user controls): a policy that
 * is a symbolic link to /etc/shadow must not have its lines echoed in a "key not allowed" error.
 * The rule: quote only what that person may read anyway, a file (symlinks followed) readable by
 * everyone, or owned by them and readable by its owner. The person is SUDO_UID under sudo, else
 * this process's user. A file that cannot be examined is not quoted.
 */
import { statSync } from "node:fs";

/** @example mayQuote("/etc/shadow") === false; mayQuote("policy.yaml") === true (a file of one's own) */
export function mayQuote(file: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let s;
  try {
    s = statSync(file);
  } catch (err) {
    // A file that is not there holds nothing to leak; any other failure: do not quote.
    return (err as NodeJS.ErrnoException).code === "ENOENT";
  }
  if (s.mode & 0o004) return true;
  const sudo = env.SUDO_UID !== undefined && /^\d+$/.test(env.SUDO_UID) ? Number(env.SUDO_UID) : undefined;
  const person = sudo ?? process.getuid?.() ?? -1;
  return s.uid === person && (s.mode & 0o400) !== 0;
}
