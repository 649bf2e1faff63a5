/**
 * CIS section 5, the running containers: none privileged, none on the host's network, none with the
 * Docker socket mounted, each with a memory limit and a restart policy, none unhealthy. Each check
 * names every offending container.
 */
import { verdict, type Check } from "../../checks/check.js";
import { containers, type ContainerInfo } from "../facts/containers.js";
import type { CheckParams } from "../params.js";
import { complianceCheck, listWords, type CheckMeta, type Severity } from "./support.js";

interface ContainerRule {
  id: string;
  title: string;
  cis: string;
  severity: Severity;
  /** Why a container breaks the rule, or undefined when it does not. */
  offends(c: ContainerInfo): string | undefined;
  /** Message when every container is fine. */
  good: string;
  expected: string;
  hint: string;
}

const describe = (c: ContainerInfo) =>
  `${c.name} (${c.image}) privileged=${c.privileged} network=${c.network} memory=${c.memory} ` +
  `restart=${c.restart || "no"} health=${c.health ?? "none"} mounts=${c.mounts.join(",") || "none"}`;

function containerCheck(rule: ContainerRule): Check {
  const meta: CheckMeta = {
    id: rule.id,
    title: rule.title,
    cis: rule.cis,
    severity: rule.severity,
    level: 1,
  };
  return complianceCheck(meta, [containers], (facts) => {
    const found = facts.get(containers);
    const command = "docker ps -q | xargs docker inspect";
    if (found.status === "absent") {
      return verdict(
        "error",
        "docker is not installed: nothing to judge",
        { command, output: "docker: command not found" },
        {
          hint: "install the engine (ops run install-engine)",
        },
      );
    }
    if (found.status === "error") {
      return verdict(
        "error",
        `cannot list containers: ${found.message}`,
        { command, output: found.message, source: "docker ps" },
        {
          hint: "systemctl start docker, then check again",
        },
      );
    }
    const evidence = {
      command,
      output: found.containers.map(describe).join("\n") || "no running containers",
      source: "docker inspect",
    };
    const bad = found.containers.flatMap((c) => {
      const why = rule.offends(c);
      return why === undefined ? [] : [`${c.name}: ${why}`];
    });
    if (found.containers.length === 0) return verdict("pass", "no running containers", evidence);
    if (bad.length === 0)
      return verdict("pass", `${rule.good} (${found.containers.length} running)`, evidence);
    return verdict(
      "fail",
      `${bad.length} running container${bad.length === 1 ? "" : "s"}: ${listWords(bad)}`,
      evidence,
      {
        expected: rule.expected,
        actual: bad.join("; "),
        hint: rule.hint,
      },
    );
  });
}

const DOCKER_SOCKETS = new Set(["/var/run/docker.sock", "/run/docker.sock"]);

export const privileged = (): Check =>
  containerCheck({
    id: "cis.containers.privileged",
    title: "no running container is privileged",
    cis: "5.4",
    severity: "high",
    offends: (c) => (c.privileged ? "privileged" : undefined),
    good: "no container is privileged",
    expected: "Privileged false",
    hint: "recreate the container without --privileged; grant only the capabilities it needs (--cap-add)",
  });

export const hostNetwork = (): Check =>
  containerCheck({
    id: "cis.containers.host-network",
    title: "no running container shares the host's network namespace",
    cis: "5.9",
    severity: "medium",
    offends: (c) => (c.network === "host" ? "network host" : undefined),
    good: "no container uses the host's network",
    expected: "a network other than host",
    hint: "recreate the container on a bridge network and publish only the ports it serves",
  });

export const socketMounted = (): Check =>
  containerCheck({
    id: "cis.containers.docker-sock",
    title: "no running container has the Docker socket mounted",
    cis: "5.31",
    severity: "high",
    offends: (c) => {
      const sock = c.mounts.find((m) => DOCKER_SOCKETS.has(m) || m.endsWith("/docker.sock"));
      return sock ? `mounts ${sock}` : undefined;
    },
    good: "no container mounts the Docker socket",
    expected: "no docker.sock mount",
    hint: "recreate the container without -v /var/run/docker.sock; whoever has the socket is root on the host",
  });

export const memoryLimit = (): Check =>
  containerCheck({
    id: "cis.containers.memory",
    title: "every running container has a memory limit",
    cis: "5.10",
    severity: "low",
    offends: (c) => (c.memory <= 0 ? "no memory limit" : undefined),
    good: "every container has a memory limit",
    expected: "HostConfig.Memory > 0",
    hint: "recreate the container with --memory (docker update --memory works on a running one)",
  });

export const restartPolicy = (params: CheckParams): Check => {
  const allowed = new Set(params.allowedRestartPolicies);
  return containerCheck({
    id: "cis.containers.restart-policy",
    title: "every running container has a restart policy",
    cis: "5.14",
    severity: "low",
    offends: (c) => (allowed.has(c.restart) ? undefined : `restart policy ${c.restart || "no"}`),
    good: "every container has a restart policy",
    expected: `restart policy one of ${[...allowed].join(", ")}`,
    hint: "docker update --restart on-failure:5 <container>",
  });
};

export const unhealthy = (): Check =>
  containerCheck({
    id: "cis.containers.health",
    title: "no running container is unhealthy",
    cis: "5.26",
    severity: "medium",
    offends: (c) => (c.health === "unhealthy" ? "unhealthy" : undefined),
    good: "no container is unhealthy",
    expected: "health healthy, starting or no health check",
    hint: "docker inspect --format '{{json .State.Health}}' <container> shows the failing probe's output",
  });
