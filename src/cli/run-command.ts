/** `ops run <playbook>`: plan and apply (or only plan, with --check) one playbook on every host. */
import { resolve } from "node:path";
import { executeCommand, type HostsCliOptions } from "./execute-command.js";
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
    // --bundle is the last -e: the one bundle of the run, whatever the inventory says.
    opts.bundle
      ? { ...opts, extraVars: [...opts.extraVars, JSON.stringify({ ops_bundle: resolve(opts.bundle) })] }
      : opts,
  );
  return code;
}

/** `--bundle FILE` is the last -e: the one bundle of the run, whatever the inventory says. */
export function withBundle<O extends HostsCliOptions & { bundle?: string | undefined }>(opts: O): O {
  if (!opts.bundle) return opts;
  return { ...opts, extraVars: [...opts.extraVars, JSON.stringify({ ops_bundle: resolve(opts.bundle) })] };
}
