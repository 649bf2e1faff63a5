/** rpm's version comparison (rpmvercmp) and EVR matching, for version pins. */
import type { RpmPackage } from "./installed.js";

/**
 * rpmvercmp: compares alternating digit and letter segments; digits beat letters, `~` sorts
 * before anything (pre-releases), `^` after the base version.
 *
 * @example rpmvercmp("20.10.24", "24.0.7") < 0
 */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const sep = /[^A-Za-z0-9~^]/;
  while (i < a.length || j < b.length) {
    while (i < a.length && sep.test(a[i] ?? "")) i++;
    while (j < b.length && sep.test(b[j] ?? "")) j++;
    if (a[i] === "~" || b[j] === "~") {
      if (a[i] !== "~") return 1;
      if (b[j] !== "~") return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === "^" || b[j] === "^") {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== "^") return 1;
      if (b[j] !== "^") return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;
    const digits = /\d/.test(a[i] ?? "");
    const re = digits ? /^\d+/ : /^[A-Za-z]+/;
    const x = re.exec(a.slice(i))?.[0] ?? "";
    const y = re.exec(b.slice(j))?.[0] ?? "";
    if (y === "") return digits ? 1 : -1; // segment types differ: numbers are newer
    i += x.length;
    j += y.length;
    if (digits) {
      const xs = x.replace(/^0+/, "");
      const ys = y.replace(/^0+/, "");
      if (xs.length !== ys.length) return xs.length > ys.length ? 1 : -1;
      if (xs !== ys) return xs > ys ? 1 : -1;
    } else if (x !== y) return x > y ? 1 : -1;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export interface Evr {
  readonly epoch?: number;
  readonly version: string;
  readonly release?: string;
}

/** "version[-release]" of a pin, without its epoch: the form dnf and yum accept after "name-". */
export function pinSpec(pin: Evr): string {
  return pin.release !== undefined ? `${pin.version}-${pin.release}` : pin.version;
}

/** Parses "[epoch:]version[-release]": "3:24.0.7-1.el9", "24.0.7-1.el9", "24.0.7". */
export function parseEvr(s: string): Evr {
  // Only rpm's version characters: a pin also becomes part of a dnf argument.
  const m = /^(?:(\d+):)?([A-Za-z0-9._+~^]+)(?:-([A-Za-z0-9._+~^]+))?$/.exec(s.trim());
  if (!m?.[2]) throw new Error(`"${s}" is not a version like 24.0.7, 24.0.7-1.el9 or 3:24.0.7-1.el9`);
  return { epoch: m[1] !== undefined ? Number(m[1]) : undefined, version: m[2], release: m[3] };
}

/**
 * Compares an installed package with a pin, on the version and (when given) release: 0 when it
 * satisfies it. The epoch is ignored: docker-ce (epoch 3) and docker-ce-cli (epoch 1) share a pin.
 *
 * @example comparePin({ epoch: 3, version: "24.0.7", release: "1.el9" }, parseEvr("24.0.7")) === 0
 */
export function comparePin(installed: RpmPackage, pin: Evr): number {
  const v = rpmvercmp(installed.version, pin.version);
  if (v !== 0 || pin.release === undefined) return v;
  return rpmvercmp(installed.release, pin.release);
}
