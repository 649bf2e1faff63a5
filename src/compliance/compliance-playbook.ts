/**
 * `ops check` on the one engine: a playbook whose checks are the compliance run of a host. Its
 * checks are the drift of the built-in playbooks (their plan in check mode, see drift.ts) and the
 * CIS checks the policy selects, with the host's waivers applied; all read-only, all gathered in the
 * host's one probe. Its variables and rules are the drift playbooks' own, so a host is judged
 * against exactly what `ops run` would converge it to.
 */
import type { Check } from "../checks/check.js";
import type { HostResult } from "../events.js";
import { definePlaybook, type Playbook, type PlaybookHost, type RunContext } from "../playbook.js";
import { mergeSchemas, type LoadedPlaybook } from "../run/prepare.js";
import { withWaivers } from "./apply-waivers.js";
import { catalog } from "./checks/catalog.js";
import { driftChecks } from "./drift.js";
import { forHost } from "./params.js";
import { applyPolicy, selects, type Policy } from "./policy.js";
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
}

type Vars = Record<string, unknown>;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : [];

/**
 * A host's compliance checks, in report order: drift first, then the CIS checks.
 *
 * @example complianceChecks(setup, vars, host, run).map((c) => c.id)
 */
export function complianceChecks(
  setup: ComplianceSetup,
  vars: Vars,
  host: PlaybookHost,
  run: RunContext,
): Check[] {
  const { policy } = setup;
  const drift = setup.drift.flatMap(({ playbook }) =>
    driftChecks(playbook.name, playbook.resources(vars, host, run)).filter((c) => selects(policy, c.id, 1)),
  );
  const params = forHost(policy.params, {
    dockerUsers: strings(vars.docker_users),
    insecureRegistries: strings(vars.insecure_registries),
  });
  const cis = applyPolicy(policy, catalog(params));
  return withWaivers([...drift, ...cis], setup.waivers, host.name, setup.today);
}

/**
 * @example const loaded = { playbook: compliancePlaybook({ policy, waivers, today, drift: [installEngine] }) };
 */
export function compliancePlaybook(setup: ComplianceSetup): Playbook<Vars> {
  const sources = setup.drift.map((d) => d.playbook);
  const keep = setup.keep;
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
    resources: () => [],
    checks: (vars, host, run) => complianceChecks(setup, vars, host, run),
  });
}
