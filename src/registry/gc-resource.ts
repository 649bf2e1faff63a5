/**
 * Garbage collection as a resource: an action, not a state, so it always has its one step when
 * the registry is there. gc.sh (rendered by deploy-registry) does the work; the same script runs
 * from the optional timer, so the two never drift apart.
 */
import { file as fileFact } from "../facts/file.js";
import { change, fail, type Resource } from "../resources/resource.js";
import { quote } from "../transport/quote.js";

/** @example registryGc("/opt/ops-registry") */
export function registryGc(dir: string): Resource {
  const script = fileFact(`${dir}/gc.sh`);
  return {
    id: "registry:gc",
    facts: [script],
    plan(facts) {
      if (!facts.get(script).exists) {
        return fail(
          `${dir}/gc.sh is missing: deploy-registry has not run on this host`,
          "ops run deploy-registry first",
        );
      }
      return change({
        description: "garbage-collect the registry (read-only meanwhile; retention applied)",
        script: quote(`${dir}/gc.sh`),
        // gc.sh ends with `ops-gc bytes_before=... bytes_after=... tags_removed=...`: the result.
        showOutput: true,
      });
    },
  };
}
