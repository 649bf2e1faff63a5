/**
 * The parameters compliance checks judge against. A policy file sets them (policy.ts); a host's own
 * `docker_users` widen the allowed list of 1.1.2. A host's own `insecure_registries` do not: the CIS
 * text decides 2.5's verdict, and what the inventory configures is waived (`--waive-configured`),
 * visible as waived, never a silent pass.
 */
export interface CheckParams {
  /** Insecure registries (host:port or CIDR) the engine may trust. */
  readonly allowedInsecureRegistries: readonly string[];
  /** Users allowed in the docker group (root-equivalent on the host). */
  readonly allowedDockerUsers: readonly string[];
  /** The oldest engine version accepted, e.g. "20.10.0". */
  readonly minimumEngineVersion: string;
  /** Log drivers accepted as the daemon's default. */
  readonly allowedLogDrivers: readonly string[];
  /** The most open mode a file under /etc/docker/certs.d may have (CIS 3.8: 0444). */
  readonly certsMaxMode: number;
  /** The most restarts `on-failure` may make (CIS 5.15: 5). */
  readonly maxRestartRetries: number;
}

/** The benchmark's values, used where a policy says nothing. */
export const DEFAULT_PARAMS: CheckParams = {
  allowedInsecureRegistries: [],
  allowedDockerUsers: [],
  minimumEngineVersion: "20.10.0",
  allowedLogDrivers: [
    "json-file",
    "local",
    "journald",
    "syslog",
    "fluentd",
    "gelf",
    "awslogs",
    "splunk",
    "gcplogs",
  ],
  certsMaxMode: 0o444,
  maxRestartRetries: 5,
};

/** What a host's own variables add to the allowed lists. */
export interface HostAllowances {
  readonly dockerUsers?: readonly string[];
}

/**
 * The parameters for one host: the policy's, with the host's own configured docker users allowed too.
 *
 * @example forHost(params, { dockerUsers: ["deploy"] }).allowedDockerUsers // [...params.allowedDockerUsers, "deploy"]
 */
export function forHost(params: CheckParams, host: HostAllowances): CheckParams {
  const union = (a: readonly string[], b: readonly string[] = []) => [...new Set([...a, ...b])];
  return {
    ...params,
    allowedDockerUsers: union(params.allowedDockerUsers, host.dockerUsers),
  };
}
