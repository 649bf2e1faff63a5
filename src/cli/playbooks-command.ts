/** `ops playbooks`: each built-in playbook, what it does, and its variables with types and defaults. */
import { builtinPlaybooks } from "../../playbooks/index.js";
import { loadPlaybook } from "./load-playbook.js";

export async function listPlaybooks(write: (text: string) => void): Promise<number> {
  for (const name of Object.keys(builtinPlaybooks)) {
    const playbook = await loadPlaybook(name);
    write(`${name}\n  ${playbook.description}\n  variables:\n`);
    for (const [variable, spec] of Object.entries(playbook.variables.properties)) {
      const type = spec.type === "array" && spec.items?.type ? `${String(spec.items.type)}[]` : spec.type;
      const dflt = spec.default === undefined ? "(none)" : JSON.stringify(spec.default);
      write(`    ${variable} (${type}, default ${dflt})\n      ${spec.description}\n`);
    }
    write("\n");
  }
  return 0;
}
