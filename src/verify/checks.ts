/** Every check verify runs, in order: the engine, its configuration, the image, then chapters 7 and 8. */
import type { Check } from "./check.js";
import { configChecks } from "./config.js";
import { engineChecks } from "./engine.js";
import { imagePull } from "./image.js";
import { networkChecks } from "./network.js";
import { volumeChecks } from "./volume.js";

export const allChecks: readonly Check[] = [
  ...engineChecks,
  ...configChecks,
  imagePull,
  ...networkChecks,
  ...volumeChecks,
];
