/**
 * The drift check ids the drift playbooks have with default variables: what a policy or a waiver
 * may name before any host's variables are known (see check-ids.ts).
 */
import { driftId } from "../checks/drift.js";
import { SAMPLE_HOST_FACTS } from "../packages/host-facts.js";
import type { LoadedPlaybook } from "../run/prepare.js";
import { validateVars, type VarsSchema } from "../vars/validate.js";

/** Stands for "any drift id" when a playbook's cannot be listed before the run. */
export const ANY_DRIFT = "drift.*";

/**
 * @example driftIdsOf([{ playbook: installEngine }]) // ["drift.preflight", "drift.gpg-key:...", "drift.daemon-json:/etc/docker/daemon.json", ...]
 */
export function driftIdsOf(playbooks: readonly LoadedPlaybook[]): string[] {
  // An rpm host: drift ids name paths, and the same playbook may name other paths on other families.
  const host = { name: "example", address: "example", groups: ["all"], facts: SAMPLE_HOST_FACTS.el9 };
  const run = { yes: false, runId: "000000000000", outputs: {} };
  return playbooks.flatMap(({ playbook }) => {
    const { vars } = validateVars(playbook.variables as unknown as VarsSchema, {}, {});
    try {
      return playbook.resources(vars, host, run).map((r) => driftId(r.id));
    } catch {
      // A playbook that needs a run-wide step's output to list its resources (deploy-registry's
      // CA): its ids are not known before the run, so any drift name is accepted.
      return [ANY_DRIFT];
    }
  });
}
