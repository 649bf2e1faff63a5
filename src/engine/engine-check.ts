/** The last word of install-engine: the engine answers `docker version` and `docker info`. */
import { dockerDaemon } from "../facts/docker-info.js";
import { systemdUnit } from "../facts/systemd-unit.js";
import { change, noop, type Resource } from "../resources/resource.js";

export interface EngineCheckOptions {
  /** How long to wait for the engine to answer. Default 30. */
  timeoutSeconds?: number;
  /**
   * The unit a `service` resource of the same playbook starts when it is not active. That start
   * step already waits for `docker info` (and rolls back daemon.json when it never answers), so
   * checking again right after it would only repeat it: on a fresh host this check is then a no-op.
   */
  startedBy?: string;
}

/**
 * A no-op when the engine already answered during fact gathering, or when the service start of
 * this run proves it; otherwise a step that waits (bounded) for it and fails with the engine's own error.
 *
 * @example engineCheck({ timeoutSeconds: 30, startedBy: "docker" })
 */
export function engineCheck(o: EngineCheckOptions = {}): Resource {
  const limit = Math.max(1, Math.floor(o.timeoutSeconds ?? 30));
  const unit = o.startedBy === undefined ? undefined : systemdUnit(o.startedBy);
  return {
    id: "engine-check",
    facts: unit === undefined ? [dockerDaemon] : [dockerDaemon, unit],
    plan(facts) {
      const info = facts.get(dockerDaemon);
      if (info.status === "running") {
        const client = info.clientVersion === null ? "" : ` (client ${info.clientVersion})`;
        return noop(`docker ${info.serverVersion} answers${client}`);
      }
      if (unit !== undefined && !facts.get(unit).active) {
        return noop(
          `${o.startedBy ?? ""} is started in this run, and its start step checks that docker info answers`,
        );
      }
      return change({
        description: "check that the docker engine answers",
        script: [
          "i=0",
          `while ! docker info >/dev/null 2>&1; do`,
          `  i=$((i + 1)); if [ "$i" -ge ${limit} ]; then break; fi; sleep 1`,
          "done",
          "docker version || exit 1",
          "if ! out=$(docker info 2>&1); then printf 'docker info failed:\\n%s\\n' \"$out\" >&2; exit 1; fi",
          "printf '%s\\n' \"$out\" | head -n 20",
        ].join("\n"),
      });
    },
  };
}
