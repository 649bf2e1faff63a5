/** `ops run <playbook>`: plan and apply (or only plan, with --check) one playbook on every host. */
import { executeCommand } from "./execute-command.js";
import type { RunCliOptions } from "./options.js";

export async function runCommand(ref: string, opts: RunCliOptions): Promise<number> {
  const { code } = await executeCommand(
    {
      command: "run",
      playbooks: [ref],
      stages: { resources: true, checks: opts.verify },
      apply: !opts.check,
      checksAfterApply: opts.verify,
    },
    opts,
  );
  return code;
}
