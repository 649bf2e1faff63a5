/**
 * Whether the connected user can become root, asked without a password (`sudo -n true`), so the
 * probe never waits on a prompt. The probe runs as the user itself: it must not be run through sudo.
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

export type SudoAccess =
  /** Connected as root: no sudo needed. */
  | { readonly mode: "root" }
  | { readonly mode: "passwordless" }
  /** sudo asks for a password (or, before it would say so, for the user's rights). */
  | { readonly mode: "password"; readonly message: string }
  | { readonly mode: "denied"; readonly message: string }
  | { readonly mode: "absent" };

export function parseSudo(stdout: string): SudoAccess {
  const [head = "", ...rest] = lines(stdout).map((l) => l.trim());
  if (head === "root" || head === "passwordless" || head === "absent") return { mode: head };
  if (head !== "refused") throw new FactError("sudo", `unexpected output "${head.slice(0, 80)}"`);
  const message = rest.find((l) => l !== "") ?? "sudo -n true failed";
  // "a terminal is required" is sudo's way of asking for a password it cannot prompt for.
  if (/password is required|terminal is required|no askpass/i.test(message))
    return { mode: "password", message };
  return { mode: "denied", message };
}

/** @example facts.get(sudo) // { mode: "passwordless" } */
export const sudo: Fact<SudoAccess> = {
  name: "sudo",
  probe: [
    'if [ "$(id -u)" = 0 ]; then echo root; exit 0; fi',
    "command -v sudo >/dev/null 2>&1 || { echo absent; exit 0; }",
    "if out=$(sudo -n true 2>&1); then echo passwordless; else printf 'refused\\n%s\\n' \"$out\"; fi",
  ].join("\n"),
  parse: parseSudo,
};
