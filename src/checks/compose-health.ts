/**
 * Every service of a compose project runs and, where it has a health check, is healthy: what
 * `ops verify` proves of a project a playbook brought up with the compose resource. Read-only.
 */
import { composeState } from "../facts/compose-state.js";
import { composeDrift, type ComposeNaming } from "../resources/compose.js";
import { quote } from "../transport/quote.js";
import { verdict, type Check } from "./check.js";

export interface ComposeHealthOptions extends ComposeNaming {
  /** The services that must run. */
  readonly services: readonly string[];
  /** The folder holding compose.yaml, for the hint. */
  readonly dir: string;
  /** The check's id and title (default `compose.<project>.healthy`). */
  readonly id?: string;
  readonly title?: string;
}

/**
 * @example composeHealthCheck({ project: "wiki", dir: "/opt/wiki", services: ["app", "db"] })
 */
export function composeHealthCheck(o: ComposeHealthOptions): Check {
  const fact = composeState(o.project);
  const what = o.what ?? `the ${o.project} project`;
  return {
    id: o.id ?? `compose.${o.project}.healthy`,
    title: o.title ?? `${what}'s services run and are healthy`,
    facts: [fact],
    judge(facts) {
      const s = facts.get(fact);
      const evidence = {
        command: `docker compose -p ${o.project} ps -a`,
        output: JSON.stringify(s),
        source: "docker compose ps",
      };
      // Containers that could not be listed are not judged: an error, never a verdict.
      if (s.status === "error")
        return verdict("error", `docker compose cannot list ${what}'s containers: ${s.message}`, evidence);
      if (s.status !== "ok") {
        const missing = s.status === "no-docker" ? "Docker" : "the docker compose v2 plugin";
        return verdict("fail", `${missing} is not installed, so ${what} does not run`, evidence, {
          expected: o.services.join(", "),
        });
      }
      // The hash is not judged here: a run recreates what drifted; verify asks whether it serves.
      const bad = o.services.filter(
        (svc) => composeDrift(s.containers.find((x) => x.service === svc)) !== null,
      );
      if (bad.length > 0) {
        return verdict("fail", `not running and healthy: ${bad.join(", ")}`, evidence, {
          expected: o.services.join(", "),
          hint: `cd ${quote(o.dir)} && docker compose logs ${bad[0] ?? ""}`,
        });
      }
      return verdict("pass", `${o.services.join(", ")} running and healthy`, evidence);
    },
  };
}
