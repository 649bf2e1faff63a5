/**
 * systemd unit files that must not be there (a timer once its schedule is emptied, the units of a
 * removed service): disabled, stopped and removed, then systemd reloaded.
 */
import { file as fileFact } from "../facts/file.js";
import type { FactSet } from "../facts/fact.js";
import { quote } from "../transport/quote.js";
import { change, noop, type Resource, type Step } from "./resource.js";

const unitName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** The facts `removeUnitsStep` reads. */
export const unitFacts = (units: readonly string[]) => units.map((u) => fileFact(u));

/** The step that disables and removes the unit files that exist, or null when none does. */
export function removeUnitsStep(units: readonly string[], facts: FactSet): Step | null {
  const present = units.filter((u) => facts.get(fileFact(u)).exists);
  if (present.length === 0) return null;
  const names = present.map((u) => quote(unitName(u))).join(" ");
  return {
    description: `remove ${present.join(", ")}`,
    script: `systemctl disable --now ${names} || true\nrm -f -- ${present.map(quote).join(" ")}\nsystemctl daemon-reload`,
  };
}

/**
 * @example unitsAbsent(["/etc/systemd/system/ops-registry-gc.timer"])
 */
export function unitsAbsent(units: readonly string[]): Resource {
  return {
    id: `units-absent:${units.join(",")}`,
    facts: unitFacts(units),
    plan(facts) {
      const step = removeUnitsStep(units, facts);
      return step === null ? noop(`no ${units.map(unitName).join(", ")}`) : change(step);
    },
  };
}
