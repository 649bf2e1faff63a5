/**
 * One round trip of a host's pipeline: the facts of its resources and checks in one batch, with
 * the checks' gates and, when their probes change the host, their cleanup in the batch's exit trap,
 * registered for an interrupt to run on a new channel while the batch is in flight. The staged form
 * reads the host's own facts first, in the same command, so the batch can depend on them.
 */
import { cleanupOf, gatesOf } from "../checks/batch.js";
import type { Check } from "../checks/check.js";
import { FactError } from "../errors.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { buildProbe, makeNonce, parseProbeOutput, stopBatchScript } from "../facts/gather.js";
import type { Transport } from "../transport/transport.js";
import { tail } from "../text/tail.js";
import { gatherFacts } from "./gather-facts.js";
import type { HostCleanups } from "./host-cleanups.js";

/** Where a run's batch keeps its shell's pid, so an interrupt can stop it. */
export const batchPidFile = (runId: string): string => `/tmp/ops-batch-${runId}.pid`;

/** What the batch of some checks needs: their cleanup registered, and the options of the batch. */
function prepare(transport: Transport, checks: readonly Check[], runId: string, cleanups: HostCleanups) {
  const cleanup = cleanupOf(checks);
  const pidFile = cleanup === undefined ? undefined : batchPidFile(runId);
  const undo =
    cleanup === undefined || pidFile === undefined
      ? undefined
      : cleanups.add(transport.host, transport, `${stopBatchScript(pidFile)}\n${cleanup}`, "effects");
  const options = {
    gates: gatesOf(checks),
    ...(cleanup !== undefined ? { cleanup } : {}),
    ...(pidFile !== undefined ? { pidFile } : {}),
  };
  // The batch's exit trap cleans up when its shell ends; once more in case it never started.
  const again = async (): Promise<void> => {
    if (cleanup !== undefined && pidFile !== undefined)
      await transport.exec(`${stopBatchScript(pidFile)}\n${cleanup}`).catch(() => undefined);
  };
  return { options, undo, again };
}

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
  const { options, undo, again } = prepare(transport, checks, runId, cleanups);
  try {
    return await gatherFacts(transport, facts, options);
  } catch (err) {
    await again();
    throw err;
  } finally {
    undo?.();
  }
}

/** The second stage of a staged probe: the facts and checks of the work built from the first. */
export interface SecondStage {
  facts: readonly Fact<unknown>[];
  checks: readonly Check[];
}

/**
 * ONE command: the `first` facts, then the batch `build` chooses from them. The first stage's facts
 * are not probed again; the returned set holds both. `build` may throw (the host fails with that
 * error; nothing of the second stage ran).
 *
 * @example const set = await probeStaged(transport, HOST_FACT_PROBES, (hf) => ({ facts, checks }), runId, cleanups);
 */
export async function probeStaged(
  transport: Transport,
  first: readonly Fact<unknown>[],
  build: (firstSet: FactSet) => SecondStage,
  runId: string,
  cleanups: HostCleanups,
): Promise<FactSet> {
  const firstNonce = makeNonce();
  const nonce = makeNonce();
  let firstSet: FactSet | undefined;
  let facts: readonly Fact<unknown>[] = [];
  let prepared: ReturnType<typeof prepare> | undefined;
  try {
    const result = await transport.execStaged(buildProbe(first, firstNonce), (stdout) => {
      firstSet = parseProbeOutput(first, stdout, firstNonce);
      const stage = build(firstSet);
      const known = new Set(first.map((f) => f.name));
      facts = stage.facts.filter((f) => !known.has(f.name));
      prepared = prepare(transport, stage.checks, runId, cleanups);
      return buildProbe(facts, nonce, prepared.options);
    });
    const interruptedWithOutput = prepared?.options.cleanup !== undefined && result.stdout.includes(nonce);
    if (!result.staged || firstSet === undefined || (result.code !== 0 && !interruptedWithOutput)) {
      // The shell or sudo refused to run at all (probes never fail on their own).
      const said = result.stderr || result.stdout || result.firstStdout;
      throw new FactError("probe", `fact gathering failed (exit ${result.code}): ${tail(said, 6)}`);
    }
    return firstSet.merge(parseProbeOutput(facts, result.stdout, nonce));
  } catch (err) {
    await prepared?.again();
    throw err;
  } finally {
    prepared?.undo?.();
  }
}
