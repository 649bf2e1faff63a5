// One place that configures zx for the lab: quiet commands (their output is returned, not echoed),
// and a progress logger on stderr so `lab:up` shows what it is building and why it takes time.
import { $ } from "zx";

$.verbose = false;
$.quiet = true;

export { $ };

/** Prints one progress line on stderr, prefixed so it is easy to tell apart from test output. */
export function log(message: string): void {
  process.stderr.write(`[lab] ${message}\n`);
}

/** Runs fn and logs how long it took; returns its result. */
export async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const start = Date.now();
  log(`${what} ...`);
  const result = await fn();
  log(`${what}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  return result;
}
