/**
 * The documented API a playbook is written against: built-in playbooks and a user's own
 * `ops run ./site/my-playbook.ts` use the same shape. A playbook only declares resources; the runner
 * gathers facts, plans and applies.
 */
import type { Handler, Resource } from "./resources/resource.js";

/** One variable of a playbook, in JSON Schema terms plus a description and a default. */
export interface VariableSpec {
  type: "string" | "boolean" | "integer" | "number" | "array" | "object";
  description: string;
  default?: unknown;
  items?: Record<string, unknown>;
  enum?: readonly unknown[];
  [keyword: string]: unknown;
}

/** The variables of a playbook as a JSON Schema object (validated with ajv). */
export interface VariablesSchema {
  type: "object";
  properties: Record<string, VariableSpec>;
  /** Name prefixes this playbook owns: an unknown variable with one of them is a typo, hence an error. */
  "x-ops-prefixes"?: string[];
  [keyword: string]: unknown;
}

/** What a playbook may know about the host when it lists resources (facts are read in `plan`). */
export interface PlaybookHost {
  name: string;
  groups: readonly string[];
}

/** What the person running ops decided on the command line. */
export interface RunChoices {
  /** `--yes`: destructive steps (removing installed packages) are confirmed. */
  yes: boolean;
}

export interface Playbook<V = Record<string, unknown>> {
  name: string;
  /** One line for `ops playbooks`. */
  description: string;
  variables: VariablesSchema;
  /** Resources in the order they converge, from validated variables (defaults applied). */
  resources(vars: V, host: PlaybookHost, choices: RunChoices): Resource[];
  /** Handlers the resources may notify, in the order they run. */
  handlers?(vars: V): Handler[];
}

/**
 * Declares a playbook with its variable types checked by TypeScript.
 * @example export default definePlaybook({ name: "motd", description: "...", variables: {...}, resources: (v) => [file({ path: "/etc/motd", content: v.text })] })
 */
export function definePlaybook<V>(playbook: Playbook<V>): Playbook<V> {
  return playbook;
}
