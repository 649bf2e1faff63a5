/**
 * group_vars/all.yaml: the playbook variables the wizard chose, each under a comment saying where
 * it came from (measured, probed, asked). An existing file keeps its comments and other keys.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { editableDocument, mapAt, setWithComment } from "./yaml-edit.js";

export interface VarSetting {
  name: string;
  value: unknown;
  comment: string;
}

/**
 * The file that holds `all`'s variables beside an inventory: an existing `all.yaml`, `all.yml` or
 * `all` file is edited; a `group_vars/all/` folder gets `ops-init.yaml`; else `all.yaml` is new.
 *
 * @example groupVarsFile("/srv/inv") === "/srv/inv/group_vars/all.yaml"
 */
export function groupVarsFile(inventoryDir: string): string {
  const dir = join(inventoryDir, "group_vars");
  for (const name of ["all.yaml", "all.yml", "all"]) {
    const path = join(dir, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  const folder = join(dir, "all");
  if (existsSync(folder) && statSync(folder).isDirectory()) return join(folder, "ops-init.yaml");
  return join(dir, "all.yaml");
}

/**
 * Renders the variables file: new (with `header`) or the existing text with the settings set.
 *
 * @example renderVars(undefined, "Variables of every host", [{ name: "docker_mirror", value: "aliyun", comment: "fastest" }])
 */
export function renderVars(
  existing: string | undefined,
  header: string,
  settings: readonly VarSetting[],
): string {
  const doc = editableDocument(existing);
  if (existing === undefined || existing.trim() === "") {
    doc.commentBefore = header
      .split("\n")
      .map((l) => ` ${l}`)
      .join("\n");
  }
  const root = mapAt(doc, []);
  for (const s of settings) setWithComment(doc, root, s.name, s.value, s.comment);
  return doc.toString({ lineWidth: 0 });
}
