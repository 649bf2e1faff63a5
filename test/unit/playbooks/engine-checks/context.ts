/** The check context the verify fixtures were recorded with. */
import type { CheckContext, Desired } from "../../../../playbooks/engine-checks/script-check.js";

export function fixtureContext(c: { desired?: Partial<Desired>; image?: string } = {}): CheckContext {
  return {
    prefix: "ops-verify-test",
    token: "ops-verify-token-0123456789",
    image: c.image ?? "busybox",
    desired: { registryMirrors: [], insecureRegistries: [], ...c.desired },
  };
}
