// Pure statistics over a handful of wall times. A benchmark here has 1 to ~10 samples, so the
// median (robust to one slow outlier such as a cold page cache) and the full min–max range say more
// than a mean and a standard deviation would.

/** Median, minimum and maximum of some samples (milliseconds, bytes: any unit). */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/**
 * @example summarize([3, 1, 2]) // { n: 3, median: 2, min: 1, max: 3 }
 * Throws on an empty list: a figure without a sample must never be printed as 0.
 */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("no samples to summarize");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { n: sorted.length, median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

/** Relative spread of a summary: (max - min) / median, e.g. 0.12 for ±6 %. 0 for a single sample. */
export function relativeSpread(s: Summary): number {
  return s.median === 0 ? 0 : (s.max - s.min) / s.median;
}

/** a / b by median, or undefined when either is missing (a measurement that was skipped). */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  if (a === undefined || b === undefined || b.median === 0) return undefined;
  return a.median / b.median;
}
