/** The host's own name (`uname -n`): what the wizard names a host by when the name is usable. */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

const NAME = "hostname";

export function parseHostname(stdout: string): string {
  const name = lines(stdout)[0]?.trim() ?? "";
  if (name === "") throw new FactError(NAME, "uname -n printed nothing");
  return name;
}

/** @example facts.get(hostname) // "el9-1" */
export const hostname: Fact<string> = {
  name: NAME,
  probe: "uname -n",
  parse: parseHostname,
};
