/**
 * One path's metadata and checksum, plus its content when small: the file resource converges by
 * sha256, shows a diff from the content, and daemon-json merges into it.
 */
import { createHash } from "node:crypto";
import { FactError } from "../errors.js";
import { quote } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { decodeBase64, lines } from "./text.js";

/** Files up to this size travel back in the probe (base64) for diffs and merges. */
export const MAX_CONTENT_BYTES = 256 * 1024;

export type FileInfo =
  | { readonly exists: false }
  | {
      readonly exists: true;
      readonly type: "file" | "directory" | "other";
      /** Octal, 4 digits: "0644". */
      readonly mode: string;
      readonly owner: string;
      readonly group: string;
      /** Seconds since the epoch. */
      readonly mtime: number;
      readonly size: number;
      /** Hex, lowercase; null for anything but a regular file. */
      readonly sha256: string | null;
      /** The bytes when a regular file of at most MAX_CONTENT_BYTES, else null. */
      readonly content: Buffer | null;
    };

/** Normalizes a mode to 4 octal digits: 644 / "644" / "0644" -> "0644". */
export function normalizeMode(mode: string | number): string {
  const s = typeof mode === "number" ? mode.toString(8) : mode.replace(/^0o/, "");
  if (!/^[0-7]{1,4}$/.test(s)) throw new Error(`mode "${mode}" is not octal`);
  return s.padStart(4, "0");
}

export function parseFile(name: string, stdout: string): FileInfo {
  const [head = "", ...body] = stdout.split("@@content@@\n");
  const rows = lines(head);
  if (rows[0] === "absent") return { exists: false };
  const m = /^stat ([0-7]{1,4}) (\S+) (\S+) (\d+) (\d+) (.+)$/.exec(rows[0] ?? "");
  if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5] || !m[6]) {
    throw new FactError(name, `unexpected output "${(rows[0] ?? "").slice(0, 80)}"`);
  }
  const kind = m[6].trim();
  const type = /^regular( empty)? file$/.test(kind) ? "file" : kind === "directory" ? "directory" : "other";
  const size = Number(m[5]);
  const content = body.length > 0 ? decodeBase64(body.join(""), name) : null;
  if (content !== null && content.length !== size) throw new FactError(name, "the content is truncated");
  // The host hashes only what it does not send; what it sends is hashed here.
  const printed = /^sha256 ([0-9a-f]{64})$/.exec(rows[1] ?? "")?.[1];
  const sum = printed ?? (content !== null ? createHash("sha256").update(content).digest("hex") : null);
  return {
    exists: true,
    type,
    mode: normalizeMode(m[1]),
    owner: m[2],
    group: m[3],
    mtime: Number(m[4]),
    size,
    sha256: type === "file" ? sum : null,
    content: type === "file" ? content : null,
  };
}

/** @example facts.get(file("/etc/docker/daemon.json")) // { exists: true, mode: "0644", sha256: "…", … } */
export function file(path: string): Fact<FileInfo> {
  const name = `file:${path}`;
  return {
    name,
    command: `stat ${quote(path)}`,
    stderr: "fold",
    probe: [
      `p=${quote(path)}`,
      // Absent only when stat says so: a path under a directory ops may not search (a 0700
      // /etc/docker without root) fails the probe with stat's message instead.
      'if [ ! -e "$p" ] && [ ! -L "$p" ]; then',
      '  if e=$(stat -c %n -- "$p" 2>&1); then :; else case "$e" in *"No such file or directory"*) echo absent; exit 0 ;; esac; printf "%s\\n" "$e"; exit 1; fi',
      "fi",
      // GNU and busybox stat both know -c; %F tells a regular file from a directory.
      `s=$(stat -L -c 'stat %a %U %G %Y %s %F' -- "$p" 2>/dev/null || stat -c 'stat %a %U %G %Y %s %F' -- "$p") || exit $?`,
      "printf '%s\\n' \"$s\"",
      // A small file travels back whole and is hashed by the parser; only a large one is hashed here.
      // The size comes from stat: each process spared counts in a no-op.
      'if [ -f "$p" ]; then',
      "  set -f; set -- $s",
      `  if [ "$6" -le ${MAX_CONTENT_BYTES} ]; then echo '@@content@@'; base64 < "$p"`,
      '  else sum=$(sha256sum < "$p"); printf \'sha256 %s\\n\' "${sum%% *}"; fi',
      "fi",
    ].join("\n"),
    parse: (stdout) => parseFile(name, stdout),
  };
}
