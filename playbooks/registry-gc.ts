/**
 * registry-gc: garbage collection of the registry deploy-registry stood up, on the hosts of
 * `registry_group`. ops reads the manifest graph, keeps everything a tag reaches (index children,
 * referrers, signatures: gc-plan.ts), deletes the rest through the registry's API while pushes are
 * frozen and pulls go on, then collects blobs. `registry_gc_dry_run` only lists what would go. It
 * reads the same variables as deploy-registry (the same inventory serves both); engine hosts have
 * nothing to do.
 */
import { definePlaybook } from "../src/playbook.js";
import { registryGc } from "../src/registry/gc-resource.js";
import { registryModel } from "../src/registry/model.js";
import { deployRegistryVariables } from "./deploy-registry.vars.js";

export default definePlaybook({
  name: "registry-gc",
  description:
    "garbage-collect the private registry: what no tag reaches goes, pulls go on, pushes wait; retention applied",
  variables: deployRegistryVariables,
  resources(vars, host) {
    if (!host.groups.includes(vars.registry_group)) return [];
    const projects = registryModel(vars).projects;
    const keepFor = (repo: string) => projects.find((p) => repo.startsWith(`${p.name}/`))?.retention ?? 0;
    return [
      registryGc({ dir: vars.registry_dir, keepFor, dryRun: String(vars.registry_gc_dry_run) === "true" }),
    ];
  },
});
