/**
 * The Docker engine's service: enabled and started; its start proves a pending daemon.json (it
 * waits for `docker info`) or rolls it back with the engine's own error.
 */
import { service } from "../resources/service.js";
import type { Resource } from "../resources/resource.js";
import { DAEMON_JSON, DOCKER_UNIT, DOCKER_VERIFY } from "./handlers.js";

/**
 * @example dockerService() // service:docker, verified by `docker info`, rolling back /etc/docker/daemon.json
 */
export function dockerService(): Resource {
  return service({
    name: DOCKER_UNIT,
    enabled: true,
    started: true,
    verify: DOCKER_VERIFY,
    config: DAEMON_JSON,
  });
}
