/**
 * Which known_hosts file a host is checked against, and a check of those files before any host is
 * contacted: a directory, a FIFO, a device or an unreadable file given as known_hosts is a
 * configuration error of the run (exit 1, the file named), not the same bare errno on every host.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError, ConfigErrors } from "../errors.js";
import type { HostConnection } from "../inventory/types.js";
import { KnownHostsFileError, readKnownHostsText } from "./known-hosts-read.js";

/**
 * The known_hosts file of one host: the run's `--known-hosts`, else the inventory's `known_hosts`,
 * else `~/.ssh/known_hosts`.
 *
 * @example knownHostsFileFor({ knownHostsFile: "/etc/ops/known_hosts" }, undefined) // "/etc/ops/known_hosts"
 */
export function knownHostsFileFor(
  conn: Pick<HostConnection, "knownHostsFile">,
  explicit: string | undefined,
  home: string = homedir(),
): string {
  return explicit ?? conn.knownHostsFile ?? join(home, ".ssh", "known_hosts");
}

/**
 * Throws ConfigError (located at the file) when `file` exists but cannot serve as known_hosts:
 * not a regular file, larger than the bound, or unreadable. A missing file is fine: strict checking
 * refuses unknown hosts one by one, and --accept-new-host-keys creates it.
 *
 * @example await checkKnownHostsFile("/root/.ssh/known_hosts");
 */
export async function checkKnownHostsFile(file: string): Promise<void> {
  try {
    await readKnownHostsText(file);
  } catch (error) {
    if (!(error instanceof KnownHostsFileError)) throw error;
    throw new ConfigError(`known_hosts file ${error.message}`, { file }, error.hint);
  }
}

/**
 * Checks every distinct known_hosts file the SSH hosts of a run will use, reporting all bad ones at
 * once. Call it after the inventory is loaded and `--limit` applied, before connecting.
 *
 * @example await checkKnownHostsFiles(hosts.map((h) => h.connection), { knownHostsFile: opts.knownHosts });
 */
export async function checkKnownHostsFiles(
  conns: readonly Pick<HostConnection, "knownHostsFile" | "transport">[],
  options: { knownHostsFile?: string | undefined },
): Promise<void> {
  const files = new Set(
    conns
      .filter((conn) => conn.transport !== "local")
      .map((conn) => knownHostsFileFor(conn, options.knownHostsFile)),
  );
  const errors: ConfigError[] = [];
  for (const file of files) {
    try {
      await checkKnownHostsFile(file);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new ConfigErrors(errors);
}
