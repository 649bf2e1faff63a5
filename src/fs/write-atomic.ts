/**
 * Writes a file so that a reader sees the old content or the new, never half of it: a temporary
 * file beside it (same filesystem), then rename. The temporary name ends in `.tmp`, so collectors
 * that read by suffix (node_exporter's `*.prom`) never pick it up. `durable` also flushes the content
 * to the disk before the rename, so the file survives a crash of the machine, not only of the process.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * @example await writeFileAtomic("/var/lib/node_exporter/textfile/ops_check.prom", text)
 */
export async function writeFileAtomic(
  file: string,
  content: string,
  options: { mode?: number; durable?: boolean } = {},
): Promise<void> {
  const mode = options.mode ?? 0o644;
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    if (options.durable === true) {
      const handle = await open(temp, "wx", mode);
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } else await writeFile(temp, content, { mode });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
