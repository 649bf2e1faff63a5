/**
 * Garbage collection as a resource: an action, not a state. The host's probe reads the manifest
 * graph (`gc.sh --graph`); gc-plan.ts decides, on the control machine, which manifests nothing
 * reaches; the step hands that plan to `gc.sh --apply`, which freezes pushes (pulls go on), refuses
 * the plan if the registry changed since it was read, deletes through the registry's API and
 * collects blobs. A dry run stops at the plan and lists it. The timer runs the same script.
 */
import type { Fact } from "../facts/fact.js";
import { file as fileFact } from "../facts/file.js";
import { change, fail, noop, type Resource } from "../resources/resource.js";
import { humanBytes } from "../text/bytes.js";
import { quote } from "../transport/quote.js";
import { parseGraph, type RegistryGraph } from "./gc-graph.js";
import { planGc, type GcPlan } from "./gc-plan.js";

/** The first line gc.sh --graph prints; a gc.sh without it is older than reachability planning. */
const GRAPH_MARK = "ops-gc-graph 1";
const OUTDATED = "ops-gc-graph outdated";

/** The graph, or null when this host's gc.sh predates `--graph` (an older deploy-registry). */
export function gcGraphFact(dir: string): Fact<RegistryGraph | null> {
  const gc = quote(`${dir}/gc.sh`);
  return {
    name: `registry-gc-graph:${dir}`,
    // Never run a gc.sh that does not know --graph: an older one would take it for a collection.
    probe: `if [ -x ${gc} ] && grep -qF ${quote(GRAPH_MARK)} ${gc}; then ${gc} --graph; else echo ${quote(OUTDATED)}; fi`,
    parse: (stdout) => (stdout.trim() === OUTDATED ? null : parseGraph(stdout)),
  };
}

/** The plan as gc.sh --apply reads it on stdin. */
export function planText(plan: GcPlan): string {
  return [
    `fingerprint ${plan.fingerprint}`,
    ...plan.untags.map((u) => `untag ${u.repo} ${u.tag}`),
    ...plan.deletes.map((d) => `delete ${d.repo} ${d.digest}`),
  ].join("\n");
}

/** What a dry run prints: every manifest that would go, with its size and tags. */
export function planListing(plan: GcPlan): string {
  const head =
    `dry run: would delete ${plan.deletes.length} manifest(s) and remove ${plan.untags.length} tag(s) alone, ` +
    `freeing about ${humanBytes(plan.bytes)} (${plan.bytes} bytes); ${plan.kept} manifest(s) kept`;
  return [
    head,
    ...plan.deletes.map(
      (d) =>
        `  delete ${d.repo}@${d.digest} ${d.mediaType || "?"} ${humanBytes(d.bytes)}` +
        (d.tags.length > 0 ? ` tags: ${d.tags.join(", ")}` : ""),
    ),
    ...plan.untags.map((u) => `  untag ${u.repo}:${u.tag} (the manifest ${u.digest} stays)`),
    ...plan.warnings.map((w) => `  warning: ${w}`),
  ].join("\n");
}

export interface GcOptions {
  readonly dir: string;
  /** Retention: how many of its own tags each repository keeps (0: all). */
  readonly keepFor: (repo: string) => number;
  readonly dryRun: boolean;
}

/** @example registryGc({ dir: "/opt/ops-registry", keepFor: () => 0, dryRun: true }) */
export function registryGc(o: GcOptions): Resource {
  const script = fileFact(`${o.dir}/gc.sh`);
  const graph = gcGraphFact(o.dir);
  return {
    id: "registry:gc",
    facts: [script, graph],
    plan(facts) {
      if (!facts.get(script).exists) {
        return fail(
          `${o.dir}/gc.sh is missing: deploy-registry has not run on this host`,
          "ops run deploy-registry first",
        );
      }
      const g = facts.get(graph);
      if (g === null) {
        return fail(
          `${o.dir}/gc.sh is from an older deploy-registry (no reachability planning): nothing was run`,
          "ops run deploy-registry first: it updates gc.sh and the stack",
        );
      }
      const plan = planGc(g, o.keepFor);
      if (o.dryRun) return noop(planListing(plan), { show: true });
      return change({
        description:
          `delete ${plan.deletes.length} manifest(s) nothing reaches (about ${humanBytes(plan.bytes)}), ` +
          `remove ${plan.untags.length} tag(s), collect blobs (pulls go on; pushes get 503 meanwhile)`,
        script: `${quote(`${o.dir}/gc.sh`)} --apply`,
        stdin: `${planText(plan)}\n`,
        // gc.sh ends with `ops-gc bytes_before=... bytes_after=... manifests_deleted=...`: the result.
        showOutput: true,
      });
    },
  };
}
