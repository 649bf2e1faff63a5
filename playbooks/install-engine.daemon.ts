/**
 * The daemon.json keys install-engine sets: the CIS profile's preset, then the options map, then the
 * named variables on top (so a site changes any preset key through docker_daemon_options).
 */
import type { InstallEngineVars } from "./install-engine.vars.js";

/** The level-1 preset's open-files limit, unless the host's hard limit is lower. */
export const CIS_LEVEL1_NOFILE = 16384;

/**
 * `docker_cis_profile: level1`: what the CIS Docker Benchmark v1.6.0's level-1 daemon checks ask for,
 * key by key (docs/COMPLIANCE.md says why each value):
 * - `icc: false` (2.2): containers on the default bridge cannot reach each other; containers that
 *   must talk share a user-defined network (or `--network container:`), where icc does not apply.
 * - `log-level: info` (2.3).
 * - `no-new-privileges: true` (2.14): setuid binaries in containers gain nothing.
 * - `live-restore: true` (2.15): containers keep running through a daemon restart or upgrade.
 * - `userland-proxy: false` (2.16): published ports by iptables alone (needs hairpin NAT).
 * - `log-driver: json-file` with `max-size` 10m and `max-file` 3: logs bounded on the host.
 * - `default-ulimits` nofile 16384 soft and hard, or the host's hard limit for containers when that
 *   is lower (`fs.nr_open`, read from the host: setrlimit refuses a container anything above it, and
 *   the container would not start). docker_daemon_options' own `default-ulimits` is taken as is.
 */
export const CIS_LEVEL1_DAEMON: Readonly<Record<string, unknown>> = {
  icc: false,
  "log-level": "info",
  "no-new-privileges": true,
  "live-restore": true,
  "userland-proxy": false,
  "log-driver": "json-file",
  "log-opts": { "max-size": "10m", "max-file": "3" },
  "default-ulimits": { nofile: { Name: "nofile", Soft: CIS_LEVEL1_NOFILE, Hard: CIS_LEVEL1_NOFILE } },
};

/** The preset of each profile. */
export const CIS_PROFILES = { none: {}, level1: CIS_LEVEL1_DAEMON } as const;

/** What the host says that a preset depends on; unknown before ops connects (the rules). */
export interface DaemonHost {
  /** `fs.nr_open`: no container's nofile hard limit can be above it. */
  readonly nrOpen?: number;
}

/** The profile's preset for this host: level 1's nofile within the host's hard limit. */
function preset(profile: InstallEngineVars["docker_cis_profile"], host: DaemonHost): Record<string, unknown> {
  if (profile !== "level1" || host.nrOpen === undefined || host.nrOpen >= CIS_LEVEL1_NOFILE)
    return { ...CIS_PROFILES[profile] };
  const n = host.nrOpen;
  return { ...CIS_LEVEL1_DAEMON, "default-ulimits": { nofile: { Name: "nofile", Soft: n, Hard: n } } };
}

/**
 * @example daemonSettings({ ...vars, registry_mirrors: ["https://m"] })["registry-mirrors"] // ["https://m"]
 * @example daemonSettings({ ...vars, docker_cis_profile: "level1" }, { nrOpen: 4096 })["default-ulimits"] // { nofile: { Name: "nofile", Soft: 4096, Hard: 4096 } }
 */
export function daemonSettings(
  vars: Pick<
    InstallEngineVars,
    "docker_daemon_options" | "registry_mirrors" | "insecure_registries" | "docker_cis_profile"
  >,
  host: DaemonHost = {},
): Record<string, unknown> {
  const set: Record<string, unknown> = {
    ...preset(vars.docker_cis_profile, host),
    ...vars.docker_daemon_options,
  };
  if (vars.registry_mirrors.length > 0) set["registry-mirrors"] = vars.registry_mirrors;
  if (vars.insecure_registries.length > 0) set["insecure-registries"] = vars.insecure_registries;
  return set;
}
