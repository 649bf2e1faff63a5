/**
 * The package families ops knows, and which one a host uses. Adding a family is its folder
 * (`src/packages/<family>/`, exporting a PackageFamily) plus one line here.
 */
import type { PackageFamily } from "./family.js";
import { deb } from "./deb/index.js";
import { rpm } from "./rpm/index.js";

export const FAMILIES: readonly PackageFamily[] = [rpm, deb];

/** Every package manager command of every family, for the host-facts probe. */
export const MANAGER_COMMANDS: readonly string[] = FAMILIES.flatMap((f) => f.managers);

/** The family named `name` (the `family` of HostFacts.packages). */
export function familyNamed(name: string): PackageFamily | undefined {
  return FAMILIES.find((f) => f.name === name);
}
