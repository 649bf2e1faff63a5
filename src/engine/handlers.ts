/**
 * The Docker engine's names, and the handlers that apply daemon.json: `docker-reload` (SIGHUP, for
 * reloadable keys) and `docker-restart` (which makes a reload unnecessary). Each waits for
 * `docker info` to answer and rolls back a pending daemon.json when it does not, reporting the
 * engine's own error (the generic mechanism is src/resources/rollback.ts).
 */
import type { Handler, Step } from "../resources/resource.js";
import { rollbackFunctions } from "../resources/rollback.js";

export const DOCKER_RELOAD = "docker-reload";
export const DOCKER_RESTART = "docker-restart";
export const DAEMON_JSON = "/etc/docker/daemon.json";
export const DOCKER_UNIT = "docker";
/** What proves the engine answers. */
export const DOCKER_VERIFY = "docker info";

export interface DockerHandlerOptions {
  /** The systemd unit, default "docker". */
  readonly unit?: string;
  /** The daemon.json to roll back, default /etc/docker/daemon.json; null: nothing to roll back. */
  readonly daemonJson?: string | null;
  /** Trusted shell that succeeds once the engine answers; default `docker info`. */
  readonly verify?: string;
  /** How long to wait for `verify`, default 30 seconds. */
  readonly timeoutSeconds?: number;
}

function applyStep(action: "reload" | "restart", o: DockerHandlerOptions): Step {
  return {
    description: `${action} docker and wait for it to answer`,
    script: [
      ...rollbackFunctions({
        unit: o.unit ?? DOCKER_UNIT,
        config: o.daemonJson === undefined ? DAEMON_JSON : o.daemonJson,
        verify: o.verify ?? DOCKER_VERIFY,
        ...(o.timeoutSeconds !== undefined ? { timeoutSeconds: o.timeoutSeconds } : {}),
      }),
      // Not running: the service resource starts it with the new file; nothing to apply here.
      'if ! systemctl is-active --quiet "$unit"; then echo "$unit is not active; nothing to ' +
        action +
        '"; exit 0; fi',
      `if ! systemctl ${action} "$unit"; then roll_back "systemctl ${action} $unit failed"; fi`,
      `if ! answers; then roll_back "$unit did not answer after ${action}"; fi`,
      "proven",
    ].join("\n"),
  };
}

/**
 * @example const [reload, restart] = dockerHandlers(); // names "docker-reload", "docker-restart"
 */
export function dockerHandlers(o: DockerHandlerOptions = {}): Handler[] {
  return [
    { name: DOCKER_RELOAD, step: applyStep("reload", o) },
    { name: DOCKER_RESTART, step: applyStep("restart", o), supersedes: [DOCKER_RELOAD] },
  ];
}
