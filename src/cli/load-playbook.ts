/**
 * Resolves `<playbook>`: a built-in name, or the path of a user's own playbook (.ts through tsx,
 * loaded only then so built-in runs pay nothing for it; .js/.mjs directly). A user's module may
 * export the playbook or a function that receives the API and returns it.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Api from "../api.js";
import { ConfigError } from "../errors.js";
import type { Playbook } from "../playbook.js";
import { builtinPlaybooks } from "../../playbooks/index.js";

type AnyPlaybook = Playbook<Record<string, unknown>>;

export async function loadPlaybook(ref: string): Promise<AnyPlaybook> {
  const builtin = builtinPlaybooks[ref];
  if (builtin) return (await builtin()).default as unknown as AnyPlaybook;
  if (!/[/\\.]/.test(ref)) {
    const names = Object.keys(builtinPlaybooks).join(", ");
    throw new ConfigError(
      `unknown playbook '${ref}'`,
      {},
      `built-in playbooks: ${names}; or give the path of a .ts/.js file`,
    );
  }
  const file = resolve(ref);
  if (!existsSync(file)) throw new ConfigError(`playbook file not found`, { file });
  let mod: { default?: unknown };
  try {
    if (/\.[mc]?ts$/.test(file)) {
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
    } else {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
  } catch (err) {
    throw new ConfigError(`cannot load playbook: ${err instanceof Error ? err.message : String(err)}`, {
      file,
    });
  }
  // The API object is loaded only for a user's module that asks for it; built-in runs never need it.
  const exported =
    typeof mod.default === "function"
      ? (mod.default as (a: typeof Api) => unknown)(await import("../api.js"))
      : mod.default;
  return checkShape(exported, file);
}

function checkShape(value: unknown, file: string): AnyPlaybook {
  const p = value as Partial<AnyPlaybook> | undefined;
  const problems: string[] = [];
  if (!p || typeof p !== "object") problems.push("the default export is not a playbook (use definePlaybook)");
  else {
    if (typeof p.name !== "string") problems.push("name must be a string");
    if (typeof p.description !== "string") problems.push("description must be a string");
    if (!p.variables || p.variables.type !== "object")
      problems.push("variables must be a JSON Schema object");
    if (typeof p.resources !== "function") problems.push("resources must be a function");
  }
  if (problems.length) throw new ConfigError(problems.join("; "), { file, path: "default" });
  return p as AnyPlaybook;
}
