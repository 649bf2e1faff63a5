/** Human diffs for --diff: unified text diffs and JSON key diffs. */
import { createTwoFilesPatch } from "diff";
import { createHash } from "node:crypto";

export const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** Text when the bytes are valid UTF-8 without NULs, else null (binary). */
function asText(data: Buffer): string | null {
  const text = data.toString("utf8");
  return text.includes("\0") || !Buffer.from(text, "utf8").equals(data) ? null : text;
}

/**
 * A unified diff of old vs new; `old` null means the content is unknown (a large file), and an
 * absent file diffs against empty. Binary content gets a one-line checksum summary instead.
 *
 * @example textDiff("/etc/x", Buffer.from("a\n"), Buffer.from("b\n"), true)
 */
export function textDiff(path: string, old: Buffer | null, next: Buffer, existed: boolean): string {
  const before = existed ? old : Buffer.alloc(0);
  const a = before === null ? null : asText(before);
  const b = asText(next);
  if (a === null || b === null) {
    const from = before === null ? "unknown content" : `sha256 ${sha256(before).slice(0, 8)}`;
    return `${path}: ${from} -> sha256 ${sha256(next).slice(0, 8)} (${next.length} bytes, not shown)\n`;
  }
  return createTwoFilesPatch(
    existed ? path : "/dev/null",
    path,
    a,
    b,
    existed ? "current" : "absent",
    "desired",
  );
}

const show = (v: unknown): string => JSON.stringify(v);

/**
 * A key-by-key diff of two JSON objects: `+ key: value`, `- key: value`, `~ key: old -> new`.
 *
 * @example keyDiff({ a: 1 }, { a: 2, b: [1] }) === "~ a: 1 -> 2\n+ b: [1]\n"
 */
export function keyDiff(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(after)) {
    if (!Object.hasOwn(before, k)) out.push(`+ ${k}: ${show(v)}`);
    else if (show(before[k]) !== show(v)) out.push(`~ ${k}: ${show(before[k])} -> ${show(v)}`);
  }
  for (const [k, v] of Object.entries(before)) if (!Object.hasOwn(after, k)) out.push(`- ${k}: ${show(v)}`);
  return out.length > 0 ? out.join("\n") + "\n" : "";
}
