/**
 * `ops verify`: the checks of the chosen playbooks (install-engine by default) on every host, in one
 * round trip per host. What the checks create is removed afterwards, also on failure and on a signal.
 */
import { executeCommand, type HostsCliOptions } from "./execute-command.js";
import { withBundle } from "./run-command.js";

export interface VerifyCliOptions extends HostsCliOptions {
  playbook: string[];
  /** Hosts installed from this bundle: verify_image must be the bundle's. */
  bundle?: string;
}

export async function verifyCommand(opts: VerifyCliOptions): Promise<number> {
  const playbooks = opts.playbook.length > 0 ? opts.playbook : ["install-engine"];
  const { code } = await executeCommand(
    { command: "verify", playbooks, stages: { resources: false, checks: true }, apply: false },
    withBundle(opts),
  );
  return code;
}
