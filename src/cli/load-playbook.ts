/**
 * Resolves `<playbook>`: a built-in name, or the path of a user's own playbook (.ts through tsx,
 * loaded only then so built-in runs pay nothing for it; .js/.mjs directly). A user's module may
 * export the playbook, or a function (sync or async) that receives the API and returns it.
 * Everything wrong with a user's module is the user's to fix: a configuration error naming the
 * file, the cause and the fix, never "a bug in ops".
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Api from "../api.js";
import { ConfigError } from "../errors.js";
import type { Playbook } from "../playbook.js";
import type { LoadedPlaybook } from "../run/prepare.js";
import { createAjv } from "../schema/ajv.js";
import { openVarsSchema } from "../vars/open-schema.js";
import { builtinPlaybooks } from "../../playbooks/index.js";

type AnyPlaybook = Playbook<Record<string, unknown>>;

const FACTORY_HINT =
  "export default definePlaybook({...}), or export default (ops) => ops.definePlaybook({...})";

/** The module's text of a thrown value, for messages. */
const why = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";

/**
 * @example const { playbook } = await loadPlaybook("install-engine");
 * @throws ConfigError naming the file when the module is missing, fails to load, or is not a playbook
 */
export async function loadPlaybook(ref: string): Promise<LoadedPlaybook> {
  const builtin = builtinPlaybooks.get(ref);
  if (builtin) return { playbook: (await builtin()).default as unknown as AnyPlaybook };
  if (!/[/\\.]/.test(ref)) {
    const names = [...builtinPlaybooks.keys()].join(", ");
    throw new ConfigError(
      `unknown playbook '${ref}'`,
      {},
      `built-in playbooks: ${names}; or give the path of a .ts/.js file`,
    );
  }
  const file = resolve(ref);
  if (!existsSync(file) || !statSync(file).isFile())
    throw new ConfigError(`playbook file not found`, { file });
  let mod: { default?: unknown };
  try {
    if (/\.[mc]?ts$/.test(file)) {
      // tsx caches compiled modules under the system temp directory: keep that private to this user.
      const { makeTsxCachePrivate } = await import("./tsx-cache.js");
      await makeTsxCachePrivate();
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
    } else {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
  } catch (err) {
    throw new ConfigError(
      `cannot load playbook: ${why(err)}`,
      { file },
      "fix the module so Node can import it",
    );
  }
  let exported = unwrapDefault(mod.default);
  if (typeof exported === "function") {
    try {
      // The API object is loaded only for a user's module that asks for it.
      exported = await (exported as (a: typeof Api) => unknown)(await import("../api.js"));
    } catch (err) {
      throw new ConfigError(
        `the playbook's default export threw: ${why(err)}`,
        { file, path: "default" },
        FACTORY_HINT,
      );
    }
  }
  const playbook = checkShape(exported, file);
  checkSchema(playbook, file);
  return { playbook, file };
}

/**
 * A module compiled as CommonJS (no `"type": "module"` beside it) puts the ESM default export one
 * level down, under `default.default`: accept both, as the README's example must work as written.
 */
function unwrapDefault(value: unknown): unknown {
  if (value && typeof value === "object" && Object.hasOwn(value, "default") && !Object.hasOwn(value, "name"))
    return (value as { default: unknown }).default;
  return value;
}

function checkShape(value: unknown, file: string): AnyPlaybook {
  const p = value as Partial<AnyPlaybook> | undefined;
  const problems: string[] = [];
  if (!p || typeof p !== "object") problems.push("the default export is not a playbook (use definePlaybook)");
  else {
    if (typeof p.name !== "string") problems.push("name must be a string");
    if (typeof p.description !== "string") problems.push("description must be a string");
    if (!p.variables || p.variables.type !== "object" || typeof p.variables.properties !== "object")
      problems.push("variables must be a JSON Schema object with properties");
    if (typeof p.resources !== "function") problems.push("resources must be a function");
    for (const key of ["handlers", "checks"] as const)
      if (p[key] !== undefined && typeof p[key] !== "function") problems.push(`${key} must be a function`);
    for (const key of ["rules", "runSteps"] as const)
      if (p[key] !== undefined && !Array.isArray(p[key])) problems.push(`${key} must be an array`);
  }
  if (problems.length) throw new ConfigError(problems.join("; "), { file, path: "default" }, FACTORY_HINT);
  return p as AnyPlaybook;
}

/** A schema ajv cannot compile is the playbook's error, found before anything runs. */
function checkSchema(playbook: AnyPlaybook, file: string): void {
  try {
    createAjv().compile(openVarsSchema(playbook.variables));
  } catch (err) {
    throw new ConfigError(`the playbook's variables schema is invalid: ${why(err)}`, {
      file,
      path: "variables",
    });
  }
}
