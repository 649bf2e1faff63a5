/**
 * CIS section 5, the running containers, one check per id: privileged (5.5), the host's network
 * (5.10), a memory limit (5.11), the restart policy (5.15), a health check (5.27), the Docker socket
 * mounted (5.32). Each names every offending container (name, short id, image). A container's bind
 * mounts are judged by what they resolve to on the host.
 */
import type { Check } from "../../checks/check.js";
import { dockerFiles } from "../facts/docker-files.js";
import type { FactSet } from "../../facts/fact.js";
import type { CheckParams } from "../params.js";
import { containerCheck, field } from "./container-check.js";

export { field };

export const privileged = (): Check =>
  containerCheck({
    cis: "5.5",
    severity: "high",
    reads: "`HostConfig.Privileged` of every running container (`docker inspect`)",
    offends: (c) => (c.privileged ? "privileged" : undefined),
    good: "no container is privileged",
    expected: "Privileged false",
    hint: "recreate the container without --privileged; grant only the capabilities it needs (--cap-add)",
  });

export const hostNetwork = (): Check =>
  containerCheck({
    cis: "5.10",
    severity: "medium",
    reads: "`HostConfig.NetworkMode` of every running container: not `host`",
    offends: (c) => (c.network === "host" ? "network host" : undefined),
    good: "no container uses the host's network",
    expected: "a network other than host",
    hint: "recreate the container on a bridge network and publish only the ports it serves",
  });

/**
 * Whether a bind mount reaches the Docker socket on the host: its source resolves to the socket,
 * or to a directory above it (`-v /var/run:/hostrun`, `-v /:/host`).
 */
export function reachesSocket(source: string, resolved: string, sockets: readonly string[]): boolean {
  return (
    sockets.some((s) => resolved === s || s.startsWith(resolved === "/" ? "/" : `${resolved}/`)) ||
    /(^|\/)docker\.sock$/.test(source)
  );
}

/** The Docker API sockets the host has, resolved; the default path when none was found. */
const socketsOf = (facts: FactSet): readonly string[] => {
  const found = facts.get(dockerFiles).sockets;
  return found.length > 0 ? found : ["/run/docker.sock"];
};

export const socketMounted = (): Check =>
  containerCheck({
    cis: "5.32",
    severity: "high",
    reads:
      "the source of every bind mount of every running container, resolved on the host (`readlink -f`), against the API socket (resolved)",
    differs:
      "a mount of a symlink to the socket or of a directory above it (`-v /var/run:/hostrun`) fails too; docker-bench-security matches the text `docker.sock`",
    facts: [dockerFiles],
    offends: (c, facts, found) => {
      const sockets = socketsOf(facts);
      const hit = c.mounts.find(
        (m) => m.type === "bind" && reachesSocket(m.source, found.resolved[m.source] ?? m.source, sockets),
      );
      return hit
        ? `mounts ${hit.source}${found.resolved[hit.source] && found.resolved[hit.source] !== hit.source ? ` (${found.resolved[hit.source]})` : ""} at ${hit.destination}`
        : undefined;
    },
    good: "no container mounts the Docker socket",
    expected: "no mount that reaches the Docker socket",
    hint: "recreate the container without the mount; whoever has the socket is root on the host",
  });

export const memoryLimit = (): Check =>
  containerCheck({
    cis: "5.11",
    severity: "low",
    reads: "`HostConfig.Memory` of every running container: more than 0",
    offends: (c) => (c.memory <= 0 ? "no memory limit" : undefined),
    good: "every container has a memory limit",
    expected: "HostConfig.Memory > 0",
    hint: "recreate the container with --memory (docker update --memory works on a running one)",
  });

export const restartPolicy = (params: CheckParams): Check =>
  containerCheck({
    cis: "5.15",
    severity: "low",
    reads:
      "`HostConfig.RestartPolicy` of every running container: `no`, or `on-failure` with at most `max_restart_retries` (5) retries",
    differs:
      "`always` and `unless-stopped` fail, and `on-failure` without a retry count (unbounded) fails, as the benchmark says; docker-bench-security only fails more than 5 retries",
    offends: (c) => {
      const name = c.restart || "no";
      if (name === "no") return undefined;
      if (name === "on-failure" && c.restartRetries > 0 && c.restartRetries <= params.maxRestartRetries)
        return undefined;
      return name === "on-failure"
        ? `on-failure with ${c.restartRetries === 0 ? "unbounded" : c.restartRetries} retries`
        : `restart policy ${field(name)}`;
    },
    good: `every container restarts at most ${params.maxRestartRetries} times on failure, or never`,
    expected: `on-failure:${params.maxRestartRetries} or less, or no`,
    hint: `docker update --restart on-failure:${params.maxRestartRetries} <container>`,
  });

export const healthCheck = (): Check =>
  containerCheck({
    cis: "5.27",
    severity: "medium",
    reads: "`State.Health` of every running container: present (a HEALTHCHECK runs)",
    offends: (c) => (c.health === null ? "no health check" : undefined),
    good: "every container has a health check",
    expected: "a HEALTHCHECK (State.Health present)",
    hint: "add a HEALTHCHECK to the image, or run the container with --health-cmd",
  });
