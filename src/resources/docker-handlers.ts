/**
 * The handlers that apply daemon.json: `docker-reload` (SIGHUP, for reloadable keys) and
 * `docker-restart` (which makes a reload unnecessary). Each waits for `docker info` to answer and
 * rolls back a pending daemon.json when it does not, reporting the engine's own error.
 */
import type { Handler, Step } from "./resource.js";
import { rollbackFunctions, type RollbackOptions } from "./docker-rollback.js";

export const DOCKER_RELOAD = "docker-reload";
export const DOCKER_RESTART = "docker-restart";

function applyStep(action: "reload" | "restart", o: RollbackOptions): Step {
  return {
    description: `${action} docker and wait for it to answer`,
    script: [
      ...rollbackFunctions(o),
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
export function dockerHandlers(o: RollbackOptions = {}): Handler[] {
  return [
    { name: DOCKER_RELOAD, step: applyStep("reload", o) },
    { name: DOCKER_RESTART, step: applyStep("restart", o), supersedes: [DOCKER_RELOAD] },
  ];
}
