/** Gathers every fact of one host in a single round trip through the transport. */
import { FactError } from "../errors.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { buildProbe, makeNonce, parseProbeOutput, type BatchOptions } from "../facts/gather.js";
import type { Transport } from "../transport/transport.js";
import { tail } from "../text/tail.js";

/**
 * @example const facts = await gatherFacts(transport, [osRelease, kernel]); facts.get(kernel).major
 */
export async function gatherFacts(
  transport: Transport,
  facts: readonly Fact<unknown>[],
  options: BatchOptions = {},
): Promise<FactSet> {
  const nonce = makeNonce();
  const result = await transport.exec(buildProbe(facts, nonce, options));
  // Probes never fail on their own; a non-zero exit is the shell or sudo refusing to run at all
  // (a batch whose checks were stopped by an interrupt exits 143 and keeps what it printed).
  if (result.code !== 0 && (options.cleanup === undefined || !result.stdout.includes(nonce))) {
    throw new FactError(
      "probe",
      `fact gathering failed (exit ${result.code}): ${tail(result.stderr || result.stdout, 6)}`,
    );
  }
  return parseProbeOutput(facts, result.stdout, nonce);
}
