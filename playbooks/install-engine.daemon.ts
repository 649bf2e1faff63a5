/** The daemon.json keys install-engine sets: the options map, then the named variables on top. */
import type { InstallEngineVars } from "./install-engine.vars.js";

/**
 * @example daemonSettings({ ...vars, registry_mirrors: ["https://m"] })["registry-mirrors"] // ["https://m"]
 */
export function daemonSettings(
  vars: Pick<InstallEngineVars, "docker_daemon_options" | "registry_mirrors" | "insecure_registries">,
): Record<string, unknown> {
  const set: Record<string, unknown> = { ...vars.docker_daemon_options };
  if (vars.registry_mirrors.length > 0) set["registry-mirrors"] = vars.registry_mirrors;
  if (vars.insecure_registries.length > 0) set["insecure-registries"] = vars.insecure_registries;
  return set;
}
