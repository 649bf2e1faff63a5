/**
 * What the compliance end-to-end tests share: an inventory whose install-engine variables harden
 * the engine (so the default policy can pass), running `ops check` and reading what it judged, and
 * breaking one thing on a host and putting it back.
 */
import { failsRun, type CheckOutcome } from "../../../src/checks/check.js";
import type { HostResult } from "../../../src/events.js";
import type { LabInfo } from "../../lab/lab.js";
import { writeInventory } from "./inventory.js";
import { ops, summaries, type OpsResult } from "./ops-cli.js";

/**
 * The daemon options a hardened engine gets from install-engine. The nofile limit stays under the
 * lab host's own (20000: a lab host is a container); userns-remap is CIS level 2 and cannot work in a
 * lab host (nested user namespaces), see the README. The userland proxy stays on, as Docker's default:
 * compliance-preset.test.ts turns it off with the level-1 preset and judges 2.16 there.
 */
export const HARDENED_DAEMON = {
  "live-restore": true,
  icc: false,
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" },
  "no-new-privileges": true,
  "default-ulimits": { nofile: { Name: "nofile", Soft: 16384, Hard: 16384 } },
};

/**
 * `docker run` options of a container that passes every per-container check (4.1, section 5): a
 * non-root user, read-only root, memory, CPU shares and PIDs limits, no-new-privileges, a health
 * check, a user-defined network (ops-e2e-net, which the test creates) and no restart (CIS 5.15).
 */
export const CLEAN_CONTAINER =
  "--user 1000:1000 --read-only --memory 32m --cpu-shares 512 --pids-limit 64 " +
  "--security-opt no-new-privileges --health-cmd true --network ops-e2e-net";

/** An inventory of the given lab hosts whose install-engine makes them pass the default policy. */
export function hardenedInventory(lab: LabInfo, names: readonly string[]): string {
  const hosts = lab.hosts
    .filter((h) => names.includes(h.name))
    .map((h) => ({ name: h.name, address: h.address }));
  return writeInventory(lab, hosts, { docker_daemon_options: HARDENED_DAEMON });
}

/**
 * What these hosts do not do, waived as a site would: a lab host is a container, so it runs no auditd
 * (CIS 1.1.3-1.1.6), and HARDENED_DAEMON keeps Docker's default userland proxy (2.16; the level-1
 * preset's test turns it off and judges it). Reported waived, never passing.
 */
export const LAB_WAIVERS = [
  ...["cis.1.1.3", "cis.1.1.4", "cis.1.1.5", "cis.1.1.6"].map((check) => ({
    check,
    justification: "a lab host is a container: it runs no auditd",
    expires: "2099-12-31",
  })),
  {
    check: "cis.2.16",
    justification:
      "the userland proxy stays on, as Docker's default (compliance-preset.test.ts judges it off)",
    expires: "2099-12-31",
  },
];

export interface Checked {
  code: number;
  result: OpsResult;
  hosts: Record<string, HostResult>;
  /** Ids of the checks of a host that count as failing: a failure not waived, or an error. */
  failing(host: string): string[];
  outcome(host: string, id: string): CheckOutcome | undefined;
}

/** `ops check --output json` with the lab's known_hosts (or any host's: only the file is read), read back. */
export async function runCheck(
  inventory: string,
  lab: Pick<LabInfo, "knownHostsFile">,
  args: readonly string[] = [],
): Promise<Checked> {
  const result = await ops([
    "check",
    "--inventory",
    inventory,
    "--known-hosts",
    lab.knownHostsFile,
    "--output",
    "json",
    ...args,
  ]);
  const hosts = summaries(result);
  return {
    code: result.code,
    result,
    hosts,
    failing: (host) => (hosts[host]?.checks ?? []).filter(failsRun).map((c) => c.id),
    outcome: (host, id) => hosts[host]?.checks.find((c) => c.id === id),
  };
}

/**
 * Writes the hardened inventory of these hosts and converges them with install-engine; throws with
 * the output when it does not exit 0. Returns the inventory.
 */
export async function convergeHardened(lab: LabInfo, names: readonly string[]): Promise<string> {
  const inventory = hardenedInventory(lab, names);
  const args = ["run", "install-engine", "-i", inventory, "--known-hosts", lab.knownHostsFile];
  const install = await ops([...args, "--forks", String(Math.max(1, names.length)), "-o", "json"]);
  if (install.code !== 0)
    throw new Error(`install-engine exited ${install.code}: ${install.stdout.slice(-2000)}${install.stderr}`);
  return inventory;
}
