/** Which package manager the host has: dnf where present (EL 8+), else yum (EL 7), else none. */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";

export type PackageManager = "dnf" | "yum" | null;

const NAME = "package-manager";

export function parsePackageManager(stdout: string): PackageManager {
  const word = stdout.trim();
  if (word === "dnf" || word === "yum") return word;
  if (word === "none") return null;
  throw new FactError(NAME, `unexpected output "${word.slice(0, 80)}"`);
}

/** @example facts.get(packageManager) // "dnf" */
export const packageManager: Fact<PackageManager> = {
  name: NAME,
  probe: [
    "if command -v dnf >/dev/null 2>&1; then echo dnf",
    "elif command -v yum >/dev/null 2>&1; then echo yum",
    "else echo none; fi",
  ].join("\n"),
  parse: parsePackageManager,
};
