import { SAMPLE_HOST_FACTS } from "../../src/packages/host-facts.js";
// The one script `ops check` sends a host: the same facts, in the same batch, as the pipeline builds
// (host-pipeline.ts probeAndPlan: the lock, every resource's facts, then every check's). The floor of
// the compliance bench runs exactly this through plain ssh.
import { builtinVariableNames } from "../../playbooks/index.js";
import { gatesOf } from "../../src/checks/batch.js";
import { loadDrift } from "../../src/cli/check-command.js";
import { loadInventory } from "../../src/inventory/load.js";
import { utcDay } from "../../src/compliance/apply-waivers.js";
import { compliancePlaybook } from "../../src/compliance/compliance-playbook.js";
import { loadPolicy } from "../../src/compliance/policy.js";
import { buildProbe, makeNonce } from "../../src/facts/gather.js";
import { lock } from "../../src/facts/lock.js";
import { factsOf } from "../../src/plan/plan-host.js";
import { prepareRun } from "../../src/run/prepare.js";
import { buildWork } from "../../src/run/work.js";

/** The probe for the first host of the inventory (every lab host gets the same one). */
export async function checkProbe(inventoryFile: string): Promise<string> {
  const { drift, driftIds } = await loadDrift(await loadInventory(inventoryFile));
  const setup = { policy: loadPolicy(undefined, driftIds), waivers: [], today: utcDay(new Date()), drift };
  const loaded = [{ playbook: compliancePlaybook(setup) }];
  const prepared = await prepareRun({
    playbooks: loaded,
    inventoryFile,
    known: await builtinVariableNames(),
  });
  const target = prepared.targets[0];
  if (!target) throw new Error(`${inventoryFile} has no hosts`);
  // The lab's hosts are el9: their facts are the rpm sample's.
  const work = buildWork(
    loaded,
    target,
    { resources: true, checks: "read-only" },
    () => ({ yes: false, runId: "000000000000", outputs: {} }),
    SAMPLE_HOST_FACTS.el9,
  );
  const facts = [...factsOf(work.resources, [lock]), ...work.checks.flatMap((c) => c.facts)];
  return buildProbe(facts, makeNonce(), { gates: gatesOf(work.checks) });
}
