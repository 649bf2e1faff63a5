/**
 * A compose project removed from its host, for any playbook: its units (timers that act on it),
 * its containers and network (`docker compose down`), its folder; its data only when the run
 * confirms it (--yes).
 */
import { composeState } from "../facts/compose-state.js";
import { file as fileFact } from "../facts/file.js";
import { quote } from "../transport/quote.js";
import type { ComposeNaming } from "./compose.js";
import { change, fail, noop, type Resource, type Step } from "./resource.js";
import { removeUnitsStep, unitFacts } from "./units-absent.js";

export interface ComposeAbsentOptions extends ComposeNaming {
  /** The folder holding compose.yaml: removed. */
  readonly dir: string;
  /** The project's data: kept unless `removeData`. */
  readonly dataDir: string;
  /** --yes: the data goes too. */
  readonly removeData: boolean;
  /** Unit files to remove with the project (a timer that acts on it). */
  readonly units: readonly string[];
}

/**
 * @example composeAbsent({ project: "wiki", dir: "/opt/wiki", dataDir: "/var/lib/wiki", removeData: false, units: [] })
 */
export function composeAbsent(o: ComposeAbsentOptions): Resource {
  const state = composeState(o.project);
  const dirFact = fileFact(o.dir);
  const dataFact = fileFact(o.dataDir);
  const what = o.what ?? `the ${o.project} project`;
  return {
    id: `compose:${o.project}:absent`,
    facts: [state, dirFact, dataFact, ...unitFacts(o.units)],
    plan(facts) {
      const s = facts.get(state);
      // Containers that cannot be listed cannot be said to be gone.
      if (s.status === "error") return fail(`docker compose cannot list ${what}'s containers: ${s.message}`);
      const containers = s.status === "ok" ? s.containers.length : 0;
      const steps: Step[] = [];
      const units = removeUnitsStep(o.units, facts);
      if (units !== null) steps.push(units);
      if (containers > 0) {
        steps.push({
          description: `docker compose down (${containers} containers of ${o.project})`,
          script: `docker compose -p ${quote(o.project)} down --remove-orphans`,
        });
      }
      if (facts.get(dirFact).exists)
        steps.push({ description: `remove ${o.dir}`, script: `rm -rf -- ${quote(o.dir)}` });
      const data = facts.get(dataFact).exists;
      if (data && o.removeData) {
        steps.push({
          description: `remove ${what}'s data ${o.dataDir} (--yes)`,
          script: `rm -rf -- ${quote(o.dataDir)}`,
        });
      }
      if (steps.length > 0) return change(...steps);
      return noop(
        data ? `${what} is removed; its data stays in ${o.dataDir} (--yes removes it)` : `${what} is removed`,
      );
    },
  };
}
