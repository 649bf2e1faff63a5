/**
 * The one Ctrl-C handler of the commands that work on hosts: the first Ctrl-C aborts the signal
 * (the command stops starting work and finishes what is in flight), a second quits at once.
 */
import { EXIT } from "./exit-codes.js";

/**
 * @example const interrupt = stopOnInterrupt("interrupted: each host finishes its current step");
 *          try { await work(interrupt.signal) } finally { interrupt.dispose() }
 */
export function stopOnInterrupt(message: string): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const now = () => process.exit(EXIT.interrupted);
  const first = () => {
    process.stderr.write(`\n${message} (Ctrl-C again to quit now)\n`);
    controller.abort();
    process.once("SIGINT", now);
  };
  process.once("SIGINT", first);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", first);
      process.off("SIGINT", now);
    },
  };
}
