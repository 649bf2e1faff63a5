/** Gathers every fact of one host in a single round trip through the transport. */
import { FactError } from "../errors.js";
import type { Fact, FactSet } from "../facts/fact.js";
import { buildProbe, makeNonce, parseProbeOutput, uniqueFacts } from "../facts/gather.js";
import type { Transport } from "../transport/transport.js";
import { tail } from "./tail.js";

export async function gatherFacts(
  transport: Transport,
  facts: readonly Fact<unknown>[],
): Promise<{ set: FactSet; size: number }> {
  const nonce = makeNonce();
  const result = await transport.exec(buildProbe(facts, nonce));
  if (result.code !== 0) {
    // Probes never fail on their own; a non-zero exit is the shell or sudo refusing to run at all.
    throw new FactError(
      "probe",
      `fact gathering failed (exit ${result.code}): ${tail(result.stderr || result.stdout, 6)}`,
    );
  }
  return { set: parseProbeOutput(facts, result.stdout, nonce), size: uniqueFacts(facts).length };
}
