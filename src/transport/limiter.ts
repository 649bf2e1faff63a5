/**
 * Bounds how many SSH handshakes are in flight. sshd's MaxStartups (10:30:100 by default) drops
 * unauthenticated connections beyond ten, and a jump host sees every handshake behind it, so a run
 * with 50 forks must not open 50 handshakes at once. Established connections are not limited.
 */
import pLimit from "p-limit";

/** Runs functions with a bound on how many are in flight. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * At most `size` functions run at once, the rest wait in FIFO order (p-limit underneath).
 *
 * @example const handshakes = createLimiter(16); await handshakes.run(() => ssh.connect(cfg));
 */
export function createLimiter(size = 16): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`limiter size must be >= 1, got ${size}`);
  const limit = pLimit(size);
  return { run: (fn) => limit(fn) };
}

/** The process-wide handshake limiter used when a caller passes none. */
export const defaultHandshakes: Limiter = createLimiter(16);
