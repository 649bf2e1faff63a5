/**
 * One round trip of a host's pipeline: the facts of its resources and checks in one batch, with
 * the checks' gates and, when their probes change the host, their cleanup in the batch's exit trap,
 * registered for an interrupt to run on a new channel while the batch is in flight.
 */
import { cleanupOf, gatesOf } from "../checks/batch.js";
import type { Check } from "../checks/check.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { stopBatchScript } from "../facts/gather.js";
import type { Transport } from "../transport/transport.js";
import { gatherFacts } from "./gather-facts.js";
import type { HostCleanups } from "./host-cleanups.js";

/** Where a run's batch keeps its shell's pid, so an interrupt can stop it. */
export const batchPidFile = (runId: string): string => `/tmp/ops-batch-${runId}.pid`;

/**
 * @example const facts = await probeBatch(transport, [...resourceFacts, ...checkFacts], checks, runId, cleanups);
 */
export async function probeBatch(
  transport: Transport,
  facts: readonly Fact<unknown>[],
  checks: readonly Check[],
  runId: string,
  cleanups: HostCleanups,
): Promise<FactSet> {
  const cleanup = cleanupOf(checks);
  const pidFile = cleanup === undefined ? undefined : batchPidFile(runId);
  const undo =
    cleanup === undefined || pidFile === undefined
      ? undefined
      : cleanups.add(transport.host, transport, `${stopBatchScript(pidFile)}\n${cleanup}`, "effects");
  try {
    return await gatherFacts(transport, facts, {
      gates: gatesOf(checks),
      ...(cleanup !== undefined ? { cleanup } : {}),
      ...(pidFile !== undefined ? { pidFile } : {}),
    });
  } catch (err) {
    // The batch's exit trap cleans up when its shell ends; once more in case it never started.
    if (cleanup !== undefined && pidFile !== undefined)
      await transport.exec(`${stopBatchScript(pidFile)}\n${cleanup}`).catch(() => undefined);
    throw err;
  } finally {
    undo?.();
  }
}
