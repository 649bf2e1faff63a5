/** `ops playbooks`: each built-in playbook, what it does, and its variables with types and defaults. */
import { builtinPlaybooks } from "../../playbooks/index.js";
import { loadPlaybook } from "./load-playbook.js";

export async function listPlaybooks(write: (text: string) => void): Promise<number> {
  for (const name of builtinPlaybooks.keys()) {
    const { playbook } = await loadPlaybook(name);
    write(`${name}\n  ${playbook.description}\n  variables:\n`);
    for (const [variable, spec] of Object.entries(playbook.variables.properties)) {
      const items = spec.items as { type?: unknown; enum?: unknown[] } | undefined;
      const itemType = items?.type ?? (items?.enum ? "enum" : undefined);
      const type = spec.type === "array" && itemType ? `${String(itemType)}[]` : (spec.type ?? "value");
      const dflt = spec.default === undefined ? "(none)" : JSON.stringify(spec.default);
      const secret = spec["x-ops-secret"] === true ? ", secret" : "";
      write(`    ${variable} (${type}${secret}, default ${dflt})\n      ${spec.description ?? ""}\n`);
    }
    write("\n");
  }
  return 0;
}
