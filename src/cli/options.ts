/** The parsed options of each command, shared by main.ts (which parses them) and the command files. */
import type { HostsCliOptions } from "./execute-command.js";
import type { VaultCliOptions } from "./vault-options.js";

export interface RunCliOptions extends HostsCliOptions {
  check: boolean;
  diff: boolean;
  verbose: boolean;
  yes: boolean;
  /** Judge the playbook's checks on the state the run left (what `ops verify` runs), one more round trip. */
  verify: boolean;
  /** An offline bundle on the control machine: sets the `ops_bundle` variable for every host. */
  bundle?: string;
}

export interface InventoryCliOptions extends VaultCliOptions {
  inventory: string;
  limit?: string;
  extraVars?: string[];
  playbook?: string;
}
