/**
 * What a host's checks add to its one batched probe: the gates (`needs`, resolved to the facts whose
 * probes must exit 0 first) and the cleanup of checks that change the host. Pure.
 */
import type { Fact } from "../facts/fact.js";
import type { Check } from "./check.js";

/**
 * Fact name -> the facts it waits for. A fact is gated only on what every check reading it needs:
 * a fact shared with an ungated check always runs.
 *
 * @example gatesOf([pull, bridge]) // Map { "verify:network.bridge" => ["verify:image.pull"] }
 * @throws Error when a check needs one that is not listed before it (a bug in the playbook's checks)
 */
export function gatesOf(checks: readonly Check[]): Map<string, string[]> {
  const factsOfCheck = new Map<string, readonly Fact<unknown>[]>();
  const wanted = new Map<string, Set<string> | null>();
  for (const check of checks) {
    const needed = new Set<string>();
    for (const id of check.needs ?? []) {
      const facts = factsOfCheck.get(id);
      if (facts === undefined)
        throw new Error(`check ${check.id} needs ${id}, which is not listed before it`);
      for (const f of facts) needed.add(f.name);
    }
    for (const fact of check.facts) {
      const before = wanted.get(fact.name);
      if (before === null) continue;
      if (needed.size === 0) wanted.set(fact.name, null);
      else wanted.set(fact.name, before === undefined ? new Set(needed) : intersect(before, needed));
    }
    factsOfCheck.set(check.id, check.facts);
  }
  const gates = new Map<string, string[]>();
  for (const [name, needs] of wanted) {
    const list = [...(needs ?? [])].filter((n) => n !== name);
    if (list.length > 0) gates.set(name, list);
  }
  return gates;
}

function intersect(a: ReadonlySet<string>, b: ReadonlySet<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/** The cleanups of checks that change the host, each once, in order; undefined when all are read-only. */
export function cleanupOf(checks: readonly Check[]): string | undefined {
  const scripts = [...new Set(checks.flatMap((c) => (c.cleanup === undefined ? [] : [c.cleanup])))];
  return scripts.length === 0 ? undefined : scripts.join("\n");
}
