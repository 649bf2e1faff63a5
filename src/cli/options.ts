/** The parsed options of each command, shared by main.ts (which parses them) and the command files. */
import type { HostsCliOptions } from "./execute-command.js";

export interface RunCliOptions extends HostsCliOptions {
  check: boolean;
  diff: boolean;
  verbose: boolean;
  yes: boolean;
}

export interface InventoryCliOptions {
  inventory: string;
  limit?: string;
  extraVars?: string[];
  playbook?: string;
}
