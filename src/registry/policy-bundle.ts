/**
 * The policy service's code as deploy-registry ships it: one file, bundled by `npm run build` from
 * src/registry/policy/main.ts with no dependency, copied to the registry host and run by the image's
 * node. Read from the package, through src/fs like every file ops reads.
 */
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { readUserFileIfExistsSync } from "../fs/read-file.js";
import { PROJECT_ROOT } from "../paths.js";

export const POLICY_BUNDLE = join(PROJECT_ROOT, "dist/policy/server.mjs");

export function policyServerSource(): string {
  const text = readUserFileIfExistsSync(POLICY_BUNDLE, { what: "policy service bundle" });
  if (text === undefined)
    throw new ConfigError(`${POLICY_BUNDLE} is missing: the package was not built (npm run build)`);
  return text;
}
