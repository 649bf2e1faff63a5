/**
 * registry-gc: garbage collection of the registry deploy-registry stood up, on the hosts of
 * `registry_group`: read-only maintenance mode, tag retention, `registry garbage-collect
 * --delete-untagged`, back to read-write. It reads the same variables as deploy-registry (the same
 * inventory serves both); engine hosts have nothing to do.
 */
import { definePlaybook } from "../src/playbook.js";
import { registryGc } from "../src/registry/gc-resource.js";
import { deployRegistryVariables } from "./deploy-registry.vars.js";

export default definePlaybook({
  name: "registry-gc",
  description: "garbage-collect the private registry (read-only meanwhile) and apply tag retention",
  variables: deployRegistryVariables,
  resources: (vars, host) =>
    host.groups.includes(vars.registry_group) ? [registryGc(vars.registry_dir)] : [],
});
