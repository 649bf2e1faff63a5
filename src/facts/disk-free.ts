/**
 * Free space where the engine will keep images: /var/lib/docker when it exists, else /var/lib,
 * else /. POSIX `df -Pk`, so the columns are the same on every system.
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

export interface DiskFree {
  /** The directory that was measured. */
  readonly path: string;
  /** Where that file system is mounted. */
  readonly mount: string;
  readonly sizeBytes: number;
  readonly availableBytes: number;
}

const NAME = "disk-free";

/** Parses `path` on the first line, then `df -Pk` output (header and one row). */
export function parseDiskFree(stdout: string): DiskFree | null {
  const [path = "", , row] = lines(stdout);
  if (path.trim() === "no-df") return null;
  // A long device name may not wrap under -P, but a mount point may hold spaces: take the columns
  // from the left and keep the rest as the mount point.
  const m = /^\S+\s+(\d+)\s+\d+\s+(\d+)\s+\d+%\s+(.+)$/.exec(row?.trim() ?? "");
  if (!m?.[1] || !m[2] || !m[3])
    throw new FactError(NAME, `unexpected df output "${(row ?? "").slice(0, 80)}"`);
  return {
    path: path.trim(),
    mount: m[3],
    sizeBytes: Number(m[1]) * 1024,
    availableBytes: Number(m[2]) * 1024,
  };
}

/** @example facts.get(diskFree)?.availableBytes // 52613349376 */
export const diskFree: Fact<DiskFree | null> = {
  name: NAME,
  probe: [
    "command -v df >/dev/null 2>&1 || { echo no-df; exit 0; }",
    "for p in /var/lib/docker /var/lib /; do",
    '  if [ -d "$p" ]; then echo "$p"; df -Pk "$p"; exit 0; fi',
    "done",
  ].join("\n"),
  parse: parseDiskFree,
};
