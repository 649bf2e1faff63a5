/**
 * The run-wide step of `--bundle`: the bundle file is checked on the control machine (the manifest's
 * signature by a trusted key, every entry against the manifest) once per run, before any host is reached; a bundle that does not match is
 * a configuration error and nothing is sent or installed anywhere. Its result reaches every host's
 * resources through the run's outputs.
 */
import { ConfigError } from "../errors.js";
import type { RunStep } from "../playbook.js";
import { keyPlaces, trustedKeys } from "./signing-keys.js";
import { verifyBundle, type VerifiedBundle } from "./verify.js";

export const BUNDLE_STEP = "bundle";

/** @example runSteps: [bundleStep()] */
export function bundleStep<V extends { ops_bundle: string }>(): RunStep<V> {
  return {
    name: BUNDLE_STEP,
    when: "before",
    readOnly: true,
    async run(ctx) {
      const files = [...new Set(ctx.targets.map((t) => t.vars.ops_bundle).filter((f) => f !== ""))];
      if (files.length === 0) return undefined;
      if (files.length > 1)
        throw new ConfigError(
          `the hosts name different bundles (${files.join(", ")}): one run ships one bundle`,
          {
            path: "ops_bundle",
          },
        );
      return verifyBundle(files[0] ?? "", trustedKeys(keyPlaces()));
    },
  };
}

/** The verified bundle of this run, or undefined when the run has none. */
export function bundleOutput(outputs: Readonly<Record<string, unknown>>): VerifiedBundle | undefined {
  return outputs[BUNDLE_STEP] as VerifiedBundle | undefined;
}
