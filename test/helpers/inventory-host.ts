/** A minimal inventory host for runner and verify tests: no vars, no become, address = name. */
import type { InventoryHost } from "../../src/inventory/types.js";

export const inventoryHost = (name: string): InventoryHost => ({
  name,
  groups: ["all"],
  connection: { address: name, become: false },
  vars: {},
  varSources: {},
});
