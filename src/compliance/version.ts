/** Engine versions compared as numbers, whatever a distribution appends ("20.10.24+dfsg1", "26.1.5-1.el9"). */

/** The leading numeric parts: "20.10.24+dfsg1" -> [20, 10, 24]; undefined without a leading number. */
export function versionParts(version: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(version.trim());
  return m?.[1] ? m[1].split(".").map(Number) : undefined;
}

/**
 * -1, 0 or 1 as `a` is older, equal or newer than `b`; missing parts count as 0. Undefined when
 * either is not a version.
 *
 * @example compareVersions("20.10.24+dfsg1", "20.10") === 1
 */
export function compareVersions(a: string, b: string): number | undefined {
  const x = versionParts(a);
  const y = versionParts(b);
  if (!x || !y) return undefined;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
