/**
 * Which handlers to run: each notified handler once, in the playbook's order, leaving out those a
 * notified handler supersedes (a restart makes a reload pointless).
 */
import type { Handler } from "../resources/resource.js";

export function handlersToRun(all: readonly Handler[], notified: ReadonlySet<string>): Handler[] {
  const chosen = all.filter((h) => notified.has(h.name));
  const superseded = new Set(chosen.flatMap((h) => h.supersedes ?? []));
  return chosen.filter((h) => !superseded.has(h.name));
}
