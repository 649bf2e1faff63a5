/**
 * A fact that keeps what a command printed (stdout and stderr folded) and its exit status: the raw
 * material of checks that judge what a command did rather than a parsed state.
 */
import type { Fact } from "./fact.js";

export interface CommandOutput {
  code: number;
  output: string;
}

/**
 * @example commandFact("check:pull", "t docker pull busybox") // judge reads facts.get(f).code
 */
export function commandFact(name: string, probe: string): Fact<CommandOutput> {
  return { name, probe, stderr: "fold", parse: (output, code = 0) => ({ code, output }) };
}
