/** The last word of install-engine: the engine answers `docker version` and `docker info`. */
import { dockerInfo } from "../facts/docker-info.js";
import { change, noop, type Resource } from "./resource.js";

/**
 * A no-op when the engine already answered during fact gathering; otherwise a step that waits
 * (bounded) for it and fails with the engine's own error.
 *
 * @example engineCheck({ timeoutSeconds: 30 })
 */
export function engineCheck(o: { timeoutSeconds?: number } = {}): Resource {
  const limit = Math.max(1, Math.floor(o.timeoutSeconds ?? 30));
  return {
    id: "engine-check",
    facts: [dockerInfo],
    plan(facts) {
      const info = facts.get(dockerInfo);
      if (info.status === "running") {
        return noop(`docker ${info.serverVersion} answers (client ${info.clientVersion ?? "unknown"})`);
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
