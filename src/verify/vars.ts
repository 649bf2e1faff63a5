/**
 * Verify's variables: install-engine's own schema (so `registry_mirrors` and friends are read and
 * validated exactly as install-engine reads them) plus `verify_image`.
 */
import type { VariablesSchema } from "../playbook.js";
import type { CheckContext, Desired } from "./check.js";

export const DEFAULT_IMAGE = "busybox";

/**
 * Extends install-engine's variables schema with verify's own.
 *
 * @example verifyVariables(installEngine.variables).properties.verify_image.default === "busybox"
 */
export function verifyVariables(installEngine: VariablesSchema): VariablesSchema {
  return {
    ...installEngine,
    properties: {
      ...installEngine.properties,
      verify_image: {
        type: "string",
        minLength: 1,
        description:
          "image `ops verify` pulls and runs its test containers from (needs sh, httpd, ip, cat: busybox has them)",
        default: DEFAULT_IMAGE,
      },
    },
    "x-ops-prefixes": [...(installEngine["x-ops-prefixes"] ?? []), "verify_"],
  };
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

/** The desired engine configuration from one host's validated variables. */
export function desiredFrom(vars: Record<string, unknown>): Desired {
  const desired: Desired = {
    registryMirrors: strings(vars.registry_mirrors),
    insecureRegistries: strings(vars.insecure_registries),
  };
  if (typeof vars.docker_version === "string" && vars.docker_version !== "")
    desired.dockerVersion = vars.docker_version;
  return desired;
}

/** The check context of one host: the run's names and token, the host's image and desired state. */
export function contextFor(
  run: { prefix: string; token: string },
  vars: Record<string, unknown>,
): CheckContext {
  const image =
    typeof vars.verify_image === "string" && vars.verify_image ? vars.verify_image : DEFAULT_IMAGE;
  return { prefix: run.prefix, token: run.token, image, desired: desiredFrom(vars) };
}
