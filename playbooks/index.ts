/**
 * The built-in playbooks by name. Loaded lazily so a run imports only the one it needs; their
 * variables load alone (light modules), so every command knows every built-in variable name.
 */
import type { Playbook, VariablesSchema } from "../src/playbook.js";

type Loader = () => Promise<{ default: Playbook<never> }>;
type VarsLoader = () => Promise<VariablesSchema>;

export const builtinPlaybooks: ReadonlyMap<string, Loader> = new Map<string, Loader>([
  ["install-engine", () => import("./install-engine.js")],
  ["deploy-registry", () => import("./deploy-registry.js")],
  ["registry-gc", () => import("./registry-gc.js")],
  ["images", () => import("./images.js")],
]);

export const builtinVariables: ReadonlyMap<string, VarsLoader> = new Map<string, VarsLoader>([
  ["install-engine", async () => (await import("./install-engine.vars.js")).installEngineVariables],
  ["deploy-registry", async () => (await import("./deploy-registry.vars.js")).deployRegistryVariables],
  ["images", async () => (await import("./images.vars.js")).imagesVariables],
]);

/** Every variable name a built-in playbook declares: not a typo in a shared inventory. */
export async function builtinVariableNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const load of builtinVariables.values())
    for (const n of Object.keys((await load()).properties)) names.add(n);
  return names;
}

/** One schema holding every built-in playbook's variables (the first declaration of a shared name wins). */
export async function builtinSchema(): Promise<{ type: "object"; properties: Record<string, unknown> }> {
  const properties: Record<string, unknown> = {};
  for (const load of builtinVariables.values())
    for (const [n, spec] of Object.entries((await load()).properties))
      if (!Object.hasOwn(properties, n)) properties[n] = spec;
  return { type: "object", properties };
}
