/**
 * `ops images ls`: which image (by id) each host holds for every image the inventory gives it, and
 * what differs. It is the images playbook planned and not applied (the one engine): a host that
 * has an image prints `ok: team/app:1.0 is <id>`, one that lacks it or holds another id under the
 * tag prints what `ops run images` would do. Exit 0 when every host matches, 3 when one differs, 2
 * when a host's list could not be read.
 */
import { executeCommand, type HostsCliOptions } from "./execute-command.js";

export async function imagesLsCommand(opts: HostsCliOptions): Promise<number> {
  const { code } = await executeCommand(
    { command: "run", playbooks: ["images"], stages: { resources: true, checks: false }, apply: false },
    // What a host already has is the answer here, not noise: always listed.
    { ...opts, check: true, verbose: true },
  );
  return code;
}
