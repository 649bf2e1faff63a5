/**
 * fast-check settings shared by fuzz and property tests: the seed is chosen here (or taken from
 * FC_SEED to replay a failure) and printed, so any run can be reproduced exactly.
 */
import type { Parameters } from "fast-check";

/** @example fc.assert(prop, fuzzParams("printers", 300)) */
export function fuzzParams<T>(name: string, numRuns: number): Parameters<T> {
  const seed =
    process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() ^ (Math.random() * 2 ** 31);
  // The seed is printed whatever the outcome: FC_SEED=<seed> replays this run.
  console.log(`      fast-check ${name}: seed ${seed} (FC_SEED=${seed} replays it)`);
  return { seed, numRuns };
}
