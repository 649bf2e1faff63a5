/**
 * Shell fragments the resources share. Every value is quoted here; file bodies never appear in a
 * script (they arrive on stdin).
 */
import { quote } from "../transport/quote.js";

export interface AtomicWrite {
  readonly path: string;
  /** Four octal digits, e.g. "0644". */
  readonly mode: string;
  readonly owner?: string;
  readonly group?: string;
  /**
   * The sha256 the plan saw, or null when the file was absent. The write refuses to replace a file
   * that changed between fact gathering and apply (someone edited it meanwhile). Undefined: no check.
   */
  readonly expectSha256?: string | null;
  /** Keep a timestamped copy `PATH.ops-YYYYmmddHHMMSS.bak` of the file being replaced. */
  readonly backup?: boolean;
  /** Lines run after the temp file is complete and before it is moved into place; `$tmp` and `$p` are set. */
  readonly beforeMove?: readonly string[];
}

/** `owner:group`, `owner` or `:group` for chown, or undefined when neither is set. */
export function chownSpec(owner?: string, group?: string): string | undefined {
  if (owner === undefined && group === undefined) return undefined;
  return `${owner ?? ""}${group !== undefined ? `:${group}` : ""}`;
}

/** Refuses to go on when the file is not what the plan saw. */
function guard(expect: string | null): string[] {
  return [
    'if [ -e "$p" ]; then now=$(sha256sum <"$p" | cut -c1-64); else now=absent; fi',
    `if [ "$now" != ${quote(expect ?? "absent")} ]; then`,
    "  printf '%s changed since facts were gathered; nothing was written. Run again.\\n' \"$p\" >&2",
    "  exit 1",
    "fi",
  ];
}

/**
 * A script that writes stdin to PATH atomically: a temp file in the same directory (so `mv` is a
 * rename on one filesystem), mode and owner set before it becomes visible, then `mv -f`.
 *
 * @example atomicWriteScript({ path: "/etc/x", mode: "0644", expectSha256: null })
 */
export function atomicWriteScript(w: AtomicWrite): string {
  const chown = chownSpec(w.owner, w.group);
  return [
    "set -e",
    `p=${quote(w.path)}`,
    'd=$(dirname -- "$p")',
    'mkdir -p -- "$d"',
    'tmp=$(mktemp "$d/.ops-XXXXXX")',
    "trap 'rm -f -- \"$tmp\"' EXIT",
    'cat >"$tmp"',
    `chmod ${quote(w.mode)} "$tmp"`,
    ...(chown !== undefined ? [`chown ${quote(chown)} "$tmp"`] : []),
    ...(w.expectSha256 === undefined ? [] : guard(w.expectSha256)),
    ...(w.beforeMove ?? []),
    ...(w.backup ? ['if [ -e "$p" ]; then cp -p -- "$p" "$p.ops-$(date +%Y%m%d%H%M%S).bak"; fi'] : []),
    'mv -f -- "$tmp" "$p"',
  ].join("\n");
}
