/**
 * The kernel's ceiling on a process's open files (`fs.nr_open`): no process, a container's included,
 * gets a nofile hard limit above it (setrlimit refuses even root), so a daemon's `default-ulimits`
 * above it makes every container fail to start. dockerd's unit (LimitNOFILE=infinity) and runc
 * (root, CAP_SYS_RESOURCE) bound nothing lower: this is the host's hard limit for containers.
 */
import { FactError } from "../errors.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

const NAME = "fs-nr-open";

export function parseNrOpen(stdout: string): number {
  const text = lines(stdout)[0]?.trim() ?? "";
  if (!/^\d{1,10}$/.test(text) || Number(text) === 0)
    throw new FactError(NAME, `/proc/sys/fs/nr_open is not a count of files: "${text.slice(0, 80)}"`);
  return Number(text);
}

/** @example facts.get(nrOpen) // 1048576 */
export const nrOpen: Fact<number> = {
  name: NAME,
  command: "cat /proc/sys/fs/nr_open",
  stderr: "fold",
  probe: "cat /proc/sys/fs/nr_open",
  parse: parseNrOpen,
};
