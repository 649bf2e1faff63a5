/**
 * `ops check` on the one engine: a playbook that plans the drift playbooks' resources (the engine
 * turns each planned resource into a `drift.<id>` check) and judges the CIS checks the policy
 * selects, all read-only and gathered in the host's one probe. Its variables, rules, resources and
 * handlers are the drift playbooks' own, so a host is judged against exactly what `ops run` would
 * converge it to. `complianceJudged` is the engine's hook that applies severities and waivers to
 * every outcome before it is recorded.
 */
import type { Check, CheckOutcome } from "../checks/check.js";
import type { HostResult } from "../events.js";
import { definePlaybook, type Playbook, type PlaybookHost, type RunContext } from "../playbook.js";
import { mergeSchemas, type LoadedPlaybook } from "../run/prepare.js";
import { judgeWithWaivers, withoutSkipped } from "./apply-waivers.js";
import { catalog } from "./checks/catalog.js";
import { forHost } from "./params.js";
import { applyPolicy, severityOf, type Policy } from "./policy.js";
import type { Waiver } from "./waivers.js";

export interface ComplianceSetup {
  policy: Policy;
  waivers: readonly Waiver[];
  /** YYYY-MM-DD (UTC): the day waivers are judged against. */
  today: string;
  /** The playbooks whose plan is drift (install-engine). */
  drift: readonly LoadedPlaybook[];
  /**
   * Keeps the run once every host is done (history, reports, notification): a run-wide `after`
   * step, so it runs on the control machine once, not after an interrupt, and its failure is
   * reported like any run-wide step's.
   */
  keep?: (results: readonly HostResult[]) => Promise<unknown>;
  /**
   * `--waive-configured`: each host's own `insecure_registries` waive CIS 2.5 for exactly those
   * registries, the justification naming the variable. Filled per host as its checks are made, and
   * read by the judged hook and the run's record.
   */
  configured?: Waiver[];
}

/** The waivers of a run: the file's, then those `--waive-configured` made. */
export const allWaivers = (setup: ComplianceSetup): readonly Waiver[] => [
  ...setup.waivers,
  ...(setup.configured ?? []),
];

/**
 * The waiver of CIS 2.5 a host's own variables make: the insecure registries the inventory asks
 * for, waived by name for this run (expiring today), so they show as waived, never as a pass.
 */
export function configuredWaiver(host: string, vars: Vars, today: string): Waiver | undefined {
  const registries = strings(vars.insecure_registries);
  if (registries.length === 0) return undefined;
  return {
    check: "cis.2.5",
    hosts: host,
    hostNames: new Set([host]),
    subjects: new Set(registries),
    justification: `configured by the inventory: insecure_registries = ${registries.join(", ")} (--waive-configured)`,
    expires: today,
    run: true,
    origin: `--waive-configured (${host}'s insecure_registries)`,
  };
}

type Vars = Record<string, unknown>;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

/** Drift severity when the policy gives none: a host that is not what its playbook made it. */
export const DRIFT_SEVERITY = "medium";

/**
 * A host's CIS checks: the policy's, judged against its parameters and the host's own variables,
 * without those a `run: false` waiver keeps off the host.
 *
 * @example cisChecks(setup, vars, host).map((c) => c.id)
 */
export function cisChecks(setup: ComplianceSetup, vars: Vars, host: PlaybookHost): Check[] {
  const params = forHost(setup.policy.params, { dockerUsers: strings(vars.docker_users) });
  const configured = setup.configured;
  if (configured !== undefined && !configured.some((w) => w.hostNames.has(host.name))) {
    const w = configuredWaiver(host.name, vars, setup.today);
    if (w) configured.push(w);
  }
  return withoutSkipped(applyPolicy(setup.policy, catalog(params)), setup.waivers, host.name, setup.today);
}

/**
 * The engine's `judged` hook for compliance: drift outcomes get their severity; every outcome its
 * host's waiver.
 */
export function complianceJudged(
  setup: ComplianceSetup,
): (host: string, outcome: CheckOutcome) => CheckOutcome {
  return (host, outcome) => {
    const waive = judgeWithWaivers(allWaivers(setup), setup.today);
    const drift = outcome.id.startsWith("drift.");
    const severity = drift ? severityOf(setup.policy, outcome.id, DRIFT_SEVERITY) : undefined;
    const labelled = severity ? { ...outcome, labels: { ...outcome.labels, severity } } : outcome;
    return waive(host, labelled);
  };
}

/**
 * @example const loaded = { playbook: compliancePlaybook({ policy, waivers, today, drift: [installEngine] }) };
 */
export function compliancePlaybook(setup: ComplianceSetup): Playbook<Vars> {
  const sources = setup.drift.map((d) => d.playbook);
  const keep = setup.keep;
  const withDrift = setup.policy.drift;
  return definePlaybook<Vars>({
    name: "compliance",
    description: "drift from the built-in playbooks and a CIS Docker Benchmark subset, read-only",
    variables: mergeSchemas(setup.drift),
    rules: sources.flatMap((p) => p.rules ?? []),
    runSteps: [
      // Control-side inputs the drift playbooks' resources read (a CA, say), when they need no change.
      ...sources.flatMap((p) => (p.runSteps ?? []).filter((s) => s.when === "before" && s.readOnly)),
      ...(keep
        ? [
            {
              name: "keep-run",
              when: "after" as const,
              readOnly: true,
              run: (ctx: { results: readonly HostResult[] }) => keep(ctx.results),
            },
          ]
        : []),
    ],
    // Planned only (the run applies nothing): the engine reports each as a drift.<id> check.
    resources: (vars, host, run: RunContext) =>
      withDrift ? sources.flatMap((p) => p.resources(vars, host, run)) : [],
    handlers: (vars) => (withDrift ? sources.flatMap((p) => p.handlers?.(vars) ?? []) : []),
    checks: (vars, host) => cisChecks(setup, vars, host),
  });
}
