/**
 * The documented API a playbook is written against: built-in playbooks and a user's own
 * `ops run ./site/my-playbook.ts` use the same shape. A playbook only declares: variables (a JSON
 * Schema, the one source of their TypeScript type), rules over them, run-wide steps, resources,
 * handlers and checks. The runner gathers facts, plans, applies and judges.
 */
import type { Static, TObject } from "typebox";
import type { Check } from "./checks/check.js";
import type { HostResult, RunCommand } from "./events.js";
import type { HostFacts } from "./packages/host-facts.js";
import type { Handler, Resource } from "./resources/resource.js";
import type { ExecOptions, ExecResult } from "./transport/transport.js";

/**
 * One variable of a playbook, in JSON Schema terms plus a description and a default. Any other JSON
 * Schema keyword may sit beside these (a TypeBox schema is one of these).
 */
export interface VariableSpec {
  type?: string;
  description?: string;
  default?: unknown;
  items?: object;
  enum?: readonly unknown[];
  /** A secret (a password): read as text, masked in every event, report, diff and error. */
  "x-ops-secret"?: boolean;
  /** Words for what the value must look like, used in errors instead of the raw pattern. */
  "x-expected"?: string;
}

/** The variables of a playbook as a JSON Schema object (validated with ajv). */
export interface VariablesSchema {
  type: "object";
  properties: { readonly [name: string]: VariableSpec };
  /** Name prefixes this playbook owns: an unknown variable with one of them is a typo, hence an error. */
  "x-ops-prefixes"?: string[];
}

/** What a playbook may know about a host when it lists resources and checks (facts are read in `plan`). */
export interface PlaybookHost {
  name: string;
  /** The address ops connects to (the inventory's `ansible_host`, else the name). */
  address: string;
  groups: readonly string[];
}

/**
 * A host as `resources()` and `checks()` see it: with its facts (distribution, architecture,
 * package family), read in the first stage of the host's one command, so a playbook chooses its
 * resources by family. Pass it as `on` to the generic `packages`, `repository` and `signingKey`.
 */
export interface TargetHost extends PlaybookHost {
  readonly facts: HostFacts;
}

/** What every host of one run shares: the person's choices and what run-wide steps produced. */
export interface RunContext {
  /** `--yes`: destructive steps (removing installed packages, data) are confirmed. */
  yes: boolean;
  /** Unique per run, lowercase hex: names of what a run creates on hosts start with it. */
  runId: string;
  /** Outputs of the playbook's `before` run-wide steps, by step name. */
  outputs: Readonly<Record<string, unknown>>;
}

/** A problem a rule found in one host's variables. */
export interface RuleProblem {
  /** The variable at fault: its file and line are reported. */
  variable: string;
  /** A path inside it, e.g. `hosts[0]`, when the problem is deeper than the variable. */
  path?: string;
  message: string;
  hint?: string;
}

/**
 * A named cross-field rule over one host's validated variables. Rules run before anything connects,
 * so a value that cannot work is a configuration error (exit 1), never a host failure.
 */
export interface VarRule<V> {
  /** Kebab-case, shown with the problem: `tcp-socket-needs-tls`. */
  name: string;
  /** `inventory.hosts`: every host name of the inventory, --limit or not (the run always passes it). */
  check(vars: V, host: PlaybookHost, inventory?: RuleInventory): readonly RuleProblem[];
}

/** What a rule may know of the inventory beyond the host it checks. */
export interface RuleInventory {
  readonly hosts: readonly string[];
}

/** A host as a run-wide step sees it: who, and its validated variables. */
export interface StepTarget<V> {
  host: PlaybookHost;
  vars: V;
}

/** What a run-wide step may use. Control-side work goes through this, never through globals. */
export interface RunStepContext<V> {
  targets: readonly StepTarget<V>[];
  /** Every host of the inventory, --limit or not (absent: the targets' hosts). */
  inventoryHosts?: readonly PlaybookHost[];
  /** Folder of the inventory file: where per-inventory state (a CA) is kept by default. */
  inventoryDir: string;
  /** True for a run that must not change anything (`--check`, `ops verify`, `ops check`). */
  check: boolean;
  /** The command running: `run` (with or without --check/--verify), `verify` or `check`. */
  command?: RunCommand;
  /** The run's id (lowercase hex), as hosts see it in `RunContext.runId`. */
  runId?: string;
  /** Outputs of the steps that ran before this one. */
  outputs: Readonly<Record<string, unknown>>;
  /** Runs one script on one target host through the run's transport: one round trip. */
  exec(host: string, script: string, options?: ExecOptions): Promise<ExecResult>;
  /** Marks a value made during the run (a generated password) as secret: masked from then on. */
  secret(value: string): void;
  /** `after` steps: every host's result. Empty for `before` steps. */
  results: readonly HostResult[];
  signal: AbortSignal;
}

/**
 * Control-side work that runs once per run, before the hosts (its output reaches every host's
 * resources through `RunContext.outputs`) or after them (with every host's result).
 */
export interface RunStep<V> {
  name: string;
  when: "before" | "after";
  /** Also run in runs that change nothing (`--check`, verify, check); default false. */
  readOnly?: boolean;
  /**
   * An `after` step that undoes what `before` steps made outside the hosts' pipelines: it runs
   * whatever happened before it (a step or a host failed, a signal stopped the run), after the
   * other `after` steps. It must work from names it can derive (the run id), not from outputs alone.
   */
  always?: boolean;
  run(ctx: RunStepContext<V>): Promise<unknown>;
}

export interface Playbook<V = Record<string, unknown>> {
  name: string;
  /** One line for `ops playbooks`. */
  description: string;
  variables: VariablesSchema;
  /** Cross-field rules over one host's variables, checked before connecting. */
  rules?: readonly VarRule<V>[];
  /** Control-side steps, once per run. */
  runSteps?: readonly RunStep<V>[];
  /**
   * Resources in the order they converge, from validated variables (defaults applied) and the
   * host's facts. Must not throw for a family the playbook does not support (a preflight resource
   * fails on that host instead): work is also built with sample facts before anything connects.
   */
  resources(vars: V, host: TargetHost, run: RunContext): Resource[];
  /** Handlers the resources may notify, in the order they run. */
  handlers?(vars: V): Handler[];
  /** What `ops verify` proves on a host this playbook set up. */
  checks?(vars: V, host: TargetHost, run: RunContext): Check[];
}

/**
 * Declares a playbook. With a TypeBox schema as `variables`, the variables' TypeScript type is
 * derived from it (declared once); a plain JSON Schema object takes the type argument instead.
 *
 * @example export default definePlaybook({ name: "motd", description: "...", variables: Type.Object({ motd_text: Type.String({ default: "hi" }) }), resources: (v) => [file({ path: "/etc/motd", content: v.motd_text })] })
 */
export function definePlaybook<S extends TObject>(
  playbook: Playbook<Static<S>> & { variables: S & VariablesSchema },
): Playbook<Static<S>>;
export function definePlaybook<V>(playbook: Playbook<V>): Playbook<V>;
export function definePlaybook<V>(playbook: Playbook<V>): Playbook<V> {
  return playbook;
}
