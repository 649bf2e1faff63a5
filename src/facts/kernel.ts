/** The running kernel and machine architecture, from `uname`. */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";

export interface Kernel {
  /** `uname -r`, e.g. "3.10.0-1160.el7.x86_64". */
  readonly release: string;
  readonly major: number;
  readonly minor: number;
  /** `uname -m`, e.g. "x86_64", "aarch64". */
  readonly arch: string;
}

const NAME = "kernel";

/** `uname -r -m` prints "RELEASE ARCH" on one line; two lines (`uname -r; uname -m`) read the same. */
export function parseKernel(stdout: string): Kernel {
  const [release = "", arch = ""] = stdout.split(/\s+/).filter((w) => w !== "");
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!m?.[1] || !m[2])
    throw new FactError(NAME, `kernel release "${release}" is not of the form MAJOR.MINOR`);
  if (arch === "") throw new FactError(NAME, "uname -m printed nothing");
  return { release, major: Number(m[1]), minor: Number(m[2]), arch };
}

/** @example facts.get(kernel) // { release: "5.14.0-362.el9.x86_64", major: 5, minor: 14, arch: "x86_64" } */
export const kernel: Fact<Kernel> = {
  name: NAME,
  // One process: uname prints the release before the machine whatever the order of its flags.
  probe: "uname -r -m",
  parse: parseKernel,
};
