/**
 * Finds the group_vars/ and host_vars/ files of each group and host, the way Ansible does
 * (`<name>`, `<name>.yml`, `<name>.yaml`, `<name>.json`, or every such file in a folder `<name>/`),
 * from ONE listing of each folder instead of a stat per name and extension: 20,000 hosts cost one
 * readdir, not 80,000 stats. A name is only ever matched against the folder's own entries, so
 * `../../etc/passwd`, an absolute path or a name with a NUL can never lead outside the folder.
 */
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

type EntryKind = "file" | "dir" | "other";

/** One vars folder, listed once: entry name -> what it is (symlinks followed). */
export type VarsFolder = { path: string; entries: Map<string, EntryKind> };

const EXTENSIONS = ["", ".yml", ".yaml", ".json"];
const VARS_FILE = /\.(ya?ml|json)$/;

async function kindOf(folder: string, entry: Dirent): Promise<EntryKind> {
  if (entry.isSymbolicLink()) {
    const s = await stat(join(folder, entry.name)).catch(() => undefined);
    if (!s) return "other"; // a dangling link: reading it reports the error with its name
    return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  }
  return entry.isFile() ? "file" : entry.isDirectory() ? "dir" : "other";
}

/**
 * Lists a vars folder; a folder that does not exist (or is not a folder) has no entries.
 *
 * @example (await listVarsFolder("inventory/group_vars")).entries.get("el9.yml") // "file"
 */
export async function listVarsFolder(path: string): Promise<VarsFolder> {
  const entries = new Map<string, EntryKind>();
  const list = await readdir(path, { withFileTypes: true }).catch(() => [] as Dirent[]);
  for (const entry of list) entries.set(entry.name, await kindOf(path, entry));
  return { path, entries };
}

/**
 * True for a name that can be looked up as a file name in a vars folder: not empty, not `.` or
 * `..`, no path separator, no NUL. Other names (legal in YAML) simply have no vars files.
 *
 * @example isFileSafeName("../../etc/passwd") === false
 */
export function isFileSafeName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/\\\0]/.test(name);
}

/**
 * The files that hold `name`'s variables, in the order they apply: the plain file and each
 * extension, then (for a folder `<name>/`) its YAML/JSON files by name. Anything at those names
 * that is not a file or folder (a FIFO, say) is returned too, so reading it reports it by name.
 *
 * @example await varsPathsFor(await listVarsFolder("group_vars"), "centos")
 * // ["group_vars/centos/10-repo.yml", "group_vars/centos/20-users.yaml"]
 */
export async function varsPathsFor(folder: VarsFolder, name: string): Promise<string[]> {
  if (!isFileSafeName(name)) return [];
  const found: string[] = [];
  for (const ext of EXTENSIONS) {
    const kind = folder.entries.get(name + ext);
    if (kind === undefined) continue;
    const path = join(folder.path, name + ext);
    if (kind !== "dir") found.push(path);
    else if (ext === "") {
      const inner = await listVarsFolder(path);
      const files = [...inner.entries.keys()].filter((f) => VARS_FILE.test(f)).sort();
      found.push(...files.map((f) => join(path, f)));
    }
  }
  return found;
}
