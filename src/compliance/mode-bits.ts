/**
 * File modes as numbers, compared bit by bit. `stat -c %f` prints the raw st_mode in hex (type and
 * permission bits); reading it as a number and masking is the only comparison that is right for
 * every mode. Comparing "644" and "0640" as decimal strings (a classic bug of shell benchmarks)
 * calls 0640 "more open" than 644 and misses 0604 entirely.
 */

/** The file type bits of st_mode (S_IFMT) and the types the checks care about. */
const S_IFMT = 0o170000;
const TYPES: Readonly<Record<number, FileKind>> = {
  0o140000: "socket",
  0o120000: "symlink",
  0o100000: "file",
  0o060000: "block-device",
  0o040000: "directory",
  0o020000: "char-device",
  0o010000: "fifo",
};

export type FileKind =
  "socket" | "symlink" | "file" | "block-device" | "directory" | "char-device" | "fifo" | "unknown";

export interface Mode {
  kind: FileKind;
  /** Permission and special bits (setuid, setgid, sticky, rwx for user, group, other): 0..0o7777. */
  perms: number;
}

/**
 * Parses the raw st_mode that `stat -c %f` prints (hex, no prefix).
 *
 * @example parseStatHex("81a4") // { kind: "file", perms: 0o644 }
 * @throws Error when the text is not hex or not a plausible st_mode
 */
export function parseStatHex(hex: string): Mode {
  if (!/^[0-9a-fA-F]{1,8}$/.test(hex)) throw new Error(`"${hex}" is not a hex file mode`);
  const raw = parseInt(hex, 16);
  if (raw > 0o177777) throw new Error(`"${hex}" is not a file mode`);
  return { kind: TYPES[raw & S_IFMT] ?? "unknown", perms: raw & 0o7777 };
}

/** Four octal digits, as people write modes: 0o644 -> "0644". */
export function octal(perms: number): string {
  return (perms & 0o7777).toString(8).padStart(4, "0");
}

/**
 * Parses a mode a person wrote ("0644", "644", "0o644") into its bits.
 *
 * @example parseOctal("0660") === 0o660
 * @throws Error for anything but 1 to 4 octal digits
 */
export function parseOctal(text: string): number {
  const s = text.replace(/^0o/, "");
  if (!/^[0-7]{1,4}$/.test(s)) throw new Error(`"${text}" is not an octal mode`);
  return parseInt(s, 8);
}

/**
 * The bits `perms` has beyond `allowed`: 0 means "as restrictive as allowed, or more".
 * Special bits (setuid, setgid, sticky) count like any other: 04644 exceeds 0644.
 *
 * @example extraBits(0o666, 0o644) === 0o022
 */
export function extraBits(perms: number, allowed: number): number {
  return perms & 0o7777 & ~allowed;
}

/** `ls -l`-style permissions for a message: 0o2750 -> "rwxr-s---". */
export function symbolic(perms: number): string {
  const rwx = (bits: number, special: boolean, specialChar: string) =>
    `${bits & 4 ? "r" : "-"}${bits & 2 ? "w" : "-"}${
      special ? (bits & 1 ? specialChar : specialChar.toUpperCase()) : bits & 1 ? "x" : "-"
    }`;
  return (
    rwx((perms >> 6) & 7, (perms & 0o4000) !== 0, "s") +
    rwx((perms >> 3) & 7, (perms & 0o2000) !== 0, "s") +
    rwx(perms & 7, (perms & 0o1000) !== 0, "t")
  );
}
