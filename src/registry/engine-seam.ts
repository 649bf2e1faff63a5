/**
 * SEAM, to be deleted when the one engine (src/playbook.ts with run-wide steps, rules and checks)
 * lands on main: copies of the types deploy-registry is written against, from the engine's API.
 * After the merge every import of this file becomes an import of src/playbook.js.
 */
import type { Resource, Handler } from "../resources/resource.js";
import type { ExecOptions, ExecResult } from "../transport/transport.js";

export interface PlaybookHost {
  name: string;
  address: string;
  groups: readonly string[];
}

export interface RunContext {
  yes: boolean;
  runId: string;
  outputs: Readonly<Record<string, unknown>>;
}

export interface RuleProblem {
  variable: string;
  path?: string;
  message: string;
  hint?: string;
}

export interface VarRule<V> {
  name: string;
  check(vars: V, host: PlaybookHost): readonly RuleProblem[];
}

export interface StepTarget<V> {
  host: PlaybookHost;
  vars: V;
}

export interface RunStepContext<V> {
  targets: readonly StepTarget<V>[];
  inventoryDir: string;
  check: boolean;
  outputs: Readonly<Record<string, unknown>>;
  exec(host: string, script: string, options?: ExecOptions): Promise<ExecResult>;
  secret(value: string): void;
  results: readonly unknown[];
  signal: AbortSignal;
}

export interface RunStep<V> {
  name: string;
  when: "before" | "after";
  readOnly?: boolean;
  run(ctx: RunStepContext<V>): Promise<unknown>;
}

export interface EnginePlaybook<V> {
  name: string;
  description: string;
  variables: unknown;
  rules?: readonly VarRule<V>[];
  runSteps?: readonly RunStep<V>[];
  resources(vars: V, host: PlaybookHost, run: RunContext): Resource[];
  handlers?(vars: V): Handler[];
}
