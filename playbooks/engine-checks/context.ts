/**
 * The context install-engine's checks run in: this run's names and token, the host's test image
 * and the desired state (the same variables install-engine converges to).
 */
import { createHmac, randomBytes } from "node:crypto";
import type { BundleManifest } from "../../src/bundle/manifest.js";
import type { CheckContext, Desired } from "./script-check.js";
import { prefixOf } from "./names.js";

export const DEFAULT_IMAGE = "busybox";

/** Keyed per process, so the token (what containers write and the host reads back) cannot be derived from names. */
const TOKEN_KEY = randomBytes(16);

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

/**
 * The check context of one host: the run's names and token, the host's image and desired state.
 *
 * @example contextFor("a1b2c3d4e5", vars).prefix === "ops-verify-a1b2c3d4e5"
 */
export function contextFor(
  runId: string,
  vars: Record<string, unknown>,
  bundle?: BundleManifest,
): CheckContext {
  const image =
    typeof vars.verify_image === "string" && vars.verify_image ? vars.verify_image : DEFAULT_IMAGE;
  const token = `ops-verify-token-${createHmac("sha256", TOKEN_KEY).update(runId).digest("hex").slice(0, 20)}`;
  const bundled = bundle?.images.filter((i) => i.ref === image).map((i) => i.id);
  return {
    prefix: prefixOf(runId),
    token,
    image,
    desired: desiredFrom(vars),
    ...(bundle ? { bundledImageIds: bundled ?? [] } : {}),
  };
}
