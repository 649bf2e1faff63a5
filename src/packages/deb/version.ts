/**
 * Debian version strings (`[epoch:]upstream[-revision]`), dpkg's comparison of them, and version
 * pins. A pin is either a whole Debian version (`5:24.0.7-1~debian.12~bookworm`) or an upstream
 * version (`24.0.7`), which the same inventory can then pin on rpm hosts too: the install script
 * resolves it to the repository's newest revision of that upstream version.
 */

export interface DebVersion {
  /** 0 when the version has none. */
  readonly epoch: number;
  readonly upstream: string;
  /** "" when the version has none (a native package). */
  readonly revision: string;
}

/** A pin: the fields given; an absent epoch or revision is not compared. */
export interface DebPin {
  readonly epoch?: number;
  readonly upstream: string;
  readonly revision?: string;
}

// Debian policy 5.6.12: upstream starts with a digit and holds [A-Za-z0-9.+~-] (a hyphen only when a
// revision follows, which takes the last one); the revision holds [A-Za-z0-9.+~]. Nothing else may
// appear, which also keeps a pin harmless as a word of an apt-get command.
const PIN = /^(?:(\d{1,9}):)?(\d[A-Za-z0-9.+~-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

/** Parses a pin; throws an Error saying what a pin looks like. */
export function parsePin(text: string): DebPin {
  const m = PIN.exec(text.trim());
  if (m?.[2] === undefined || m[2].endsWith("-"))
    throw new Error(`"${text}" is not a Debian version like 24.0.7 or 5:24.0.7-1~debian.12~bookworm`);
  return {
    ...(m[1] !== undefined ? { epoch: Number(m[1]) } : {}),
    upstream: m[2],
    ...(m[3] !== undefined ? { revision: m[3] } : {}),
  };
}

/** Splits an installed version as dpkg prints it; throws on what dpkg never prints. */
export function parseVersion(text: string): DebVersion {
  const pin = parsePin(text);
  return { epoch: pin.epoch ?? 0, upstream: pin.upstream, revision: pin.revision ?? "" };
}

/** The version as dpkg and apt write it. */
export function versionText(v: DebPin): string {
  const epoch = v.epoch !== undefined && v.epoch !== 0 ? `${v.epoch}:` : "";
  return `${epoch}${v.upstream}${v.revision ? `-${v.revision}` : ""}`;
}

// dpkg's character order: "~" before the end of a part, the end before letters, letters before the rest.
function order(c: string | undefined): number {
  if (c === undefined || /\d/.test(c)) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  if (c === "~") return -1;
  return c.charCodeAt(0) + 256;
}

/**
 * dpkg's verrevcmp: alternating non-digit parts (by `order`) and numeric parts (by value).
 *
 * @example verrevcmp("1~debian.12", "1") < 0 && verrevcmp("20.10.24", "20.10.3") > 0
 */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !/\d/.test(a[i] ?? "")) || (j < b.length && !/\d/.test(b[j] ?? ""))) {
      const d = order(a[i]) - order(b[j]);
      if (d !== 0) return Math.sign(d);
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let first = 0;
    while (/\d/.test(a[i] ?? "") && /\d/.test(b[j] ?? "")) {
      if (first === 0) first = (a.charCodeAt(i) - b.charCodeAt(j)) | 0;
      i++;
      j++;
    }
    if (/\d/.test(a[i] ?? "")) return 1;
    if (/\d/.test(b[j] ?? "")) return -1;
    if (first !== 0) return Math.sign(first);
  }
  return 0;
}

/** dpkg --compare-versions: epoch, then upstream, then revision. */
export function compareVersions(a: DebVersion, b: DebVersion): number {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch ? 1 : -1;
  return verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision);
}

/**
 * An installed version against a pin, on the fields the pin gives: 0 when it satisfies it.
 *
 * @example comparePin(parseVersion("5:24.0.7-1~debian.12~bookworm"), parsePin("24.0.7")) === 0
 */
export function comparePin(installed: DebVersion, pin: DebPin): number {
  if (pin.epoch !== undefined && pin.epoch !== installed.epoch) return installed.epoch > pin.epoch ? 1 : -1;
  const u = verrevcmp(installed.upstream, pin.upstream);
  if (u !== 0 || pin.revision === undefined) return u;
  return verrevcmp(installed.revision, pin.revision);
}
