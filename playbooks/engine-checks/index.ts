/**
 * install-engine's checks, in order: the engine, its configuration, the image, then the course's
 * chapters 7 (network modes) and 8 (data volumes). `ops verify` runs them by default.
 */
import type { BundleManifest } from "../../src/bundle/manifest.js";
import type { Check } from "../../src/checks/check.js";
import { configChecks } from "./config.js";
import { contextFor } from "./context.js";
import { engineChecks } from "./engine.js";
import { imagePull } from "./image.js";
import { cleanupScript } from "./names.js";
import { networkChecks } from "./network.js";
import { toCheck, type ScriptCheck } from "./script-check.js";
import { volumeChecks } from "./volume.js";

export const allChecks: readonly ScriptCheck[] = [
  ...engineChecks,
  ...configChecks,
  imagePull,
  ...networkChecks,
  ...volumeChecks,
];

/**
 * The checks of one host for one run.
 *
 * @example engineChecksFor(vars, run.runId).map((c) => c.id) // ["engine.active", ..., "volume.volumes-from"]
 */
export function engineChecksFor(
  vars: Record<string, unknown>,
  runId: string,
  bundle?: BundleManifest,
): Check[] {
  const ctx = contextFor(runId, vars, bundle);
  const cleanup = cleanupScript(ctx);
  return allChecks.map((def) => toCheck(def, ctx, cleanup));
}
