/**
 * Installing a public key the way ssh-copy-id does: the key travels on stdin (never in the
 * script), is appended to the login user's ~/.ssh/authorized_keys only when its key blob is not
 * there yet, and the folder and file get the modes sshd insists on (0700, 0600).
 */
import type { Transport } from "../transport/transport.js";

/** The script is fixed text: nothing from the user or the key is interpolated into it. */
export const INSTALL_KEY_SCRIPT = [
  "umask 077",
  "IFS= read -r key",
  "blob=$(printf '%s\\n' \"$key\" | awk '{print $2}')",
  '[ -n "$blob" ] || { echo "no public key on stdin" >&2; exit 2; }',
  'dir="$HOME/.ssh"; file="$dir/authorized_keys"',
  'mkdir -p "$dir" && chmod 700 "$dir" || exit 1',
  // The blob is compared as a whole field, so options before a key or another comment still match.
  'if [ -f "$file" ] && awk -v b="$blob" \'{ for (i = 1; i <= NF; i++) if ($i == b) f = 1 } END { exit !f }\' "$file"; then',
  "  echo present",
  "else",
  // A last line without its newline would be glued to the new key.
  '  if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then echo >>"$file"; fi',
  '  printf \'%s\\n\' "$key" >>"$file" || exit 1',
  "  echo added",
  "fi",
  'chmod 600 "$file" || exit 1',
  // SELinux hosts refuse keys in a file with the wrong label.
  'if command -v restorecon >/dev/null 2>&1; then restorecon -R "$dir" >/dev/null 2>&1 || true; fi',
].join("\n");

export type KeyInstall = { status: "added" | "present" } | { status: "failed"; reason: string };

/**
 * Appends `publicKey` to the login user's authorized_keys on one host (one round trip, as that
 * user: never through sudo, or root's file would get it).
 *
 * @example await installAuthorizedKey(transport, "ssh-ed25519 AAAAC3... me@laptop") // { status: "added" }
 */
export async function installAuthorizedKey(transport: Transport, publicKey: string): Promise<KeyInstall> {
  const result = await transport.exec(INSTALL_KEY_SCRIPT, { stdin: `${publicKey.trim()}\n`, become: false });
  const said = result.stdout.trim().split("\n").at(-1);
  if (result.code === 0 && (said === "added" || said === "present")) return { status: said };
  const why = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-2).join(" ");
  return { status: "failed", reason: `exit ${result.code}${why ? `: ${why}` : ""}` };
}
