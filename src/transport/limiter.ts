/**
 * Bounds how many SSH handshakes are in flight. sshd's MaxStartups (10:30:100 by default) drops
 * unauthenticated connections beyond ten, and a jump host sees every handshake behind it, so a run
 * with 50 forks must not open 50 handshakes at once. Established connections are not limited.
 */

/** Runs functions with a bound on how many are in flight. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * A counting semaphore: at most `size` functions run at once, the rest wait in FIFO order.
 *
 * @example const handshakes = createLimiter(16); await handshakes.run(() => ssh.connect(cfg));
 */
export function createLimiter(size = 16): Limiter {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`limiter size must be >= 1, got ${size}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    active -= 1;
    const next = waiting.shift();
    if (next) {
      active += 1;
      next();
    }
  };
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active < size) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

/** The process-wide handshake limiter used when a caller passes none. */
export const defaultHandshakes: Limiter = createLimiter(16);
