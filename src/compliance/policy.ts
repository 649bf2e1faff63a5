/**
 * The compliance policy: which checks run (CIS level, include, exclude, drift), their parameters
 * and severity overrides. The shipped policies/default.yaml is the default; a user's policy file
 * changes only the keys it sets. Loading validates the file (schema, then every check name it uses)
 * before anything connects.
 */
import { join } from "node:path";
import type { Check } from "../checks/check.js";
import { ConfigErrors, type ConfigError } from "../errors.js";
import type { YamlSource } from "../text/yaml-source.js";
import { PROJECT_ROOT } from "../paths.js";
import type { PolicyFile } from "./policy-schema.js";
import { didYouMean } from "../schema/suggest.js";
import { CHECK_IDS } from "./checks/catalog.js";
import type { Severity } from "./checks/support.js";
import { matches, namesKnownCheck } from "./check-ids.js";
import { parseOctal } from "./mode-bits.js";
import type { CheckParams } from "./params.js";
import { errorAt, loadYamlInput } from "./yaml-input.js";
// The published schema, compiled ahead of time (src/schema/standalone.ts).
import { validatePolicy } from "../schema/validators.generated.js";

export const DEFAULT_POLICY_FILE = join(PROJECT_ROOT, "policies", "default.yaml");

export interface Policy {
  /** Where it was read (the default policy's path when none was given). */
  readonly files: readonly string[];
  readonly level: 1 | 2;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly drift: boolean;
  readonly severity: Readonly<Record<string, Severity>>;
  readonly params: CheckParams;
  /** Option names (globs) whose values are masked, besides the built-in ones (mask.ts). */
  readonly secretPatterns: readonly string[];
}

/** Every check name a policy uses must name a check; drift is selected whole (`drift: false`). */
function unknownNames(src: YamlSource, doc: PolicyFile, driftIds: readonly string[]): ConfigError[] {
  type Named = [(string | number)[], string];
  const named: Named[] = [
    ...(doc.include ?? []).map((p, i): Named => [["include", i], p]),
    ...(doc.exclude ?? []).map((p, i): Named => [["exclude", i], p]),
    ...Object.keys(doc.severity ?? {}).map((p): Named => [["severity", p], p]),
  ];
  const selectsDrift = ([path, p]: Named) => path[0] !== "severity" && p.startsWith("drift");
  const errors = named.flatMap(([path, p]): ConfigError[] => {
    if (selectsDrift([path, p]))
      return [
        errorAt(
          src,
          path,
          `'${p}': drift is reported whole`,
          "set drift: false to leave it out, or waive what you accept",
        ),
      ];
    if (namesKnownCheck(p, CHECK_IDS, driftIds)) return [];
    const hint = didYouMean(p, CHECK_IDS) ?? "ops check --list shows every check id";
    return [errorAt(src, path, `'${p}' names no check`, hint)];
  });
  return errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
}

function merge(base: Policy, doc: PolicyFile, file: string): Policy {
  const p = doc.params ?? {};
  const b = base.params;
  return {
    files: [...base.files, file],
    level: doc.level ?? base.level,
    include: doc.include ?? base.include,
    exclude: doc.exclude ?? base.exclude,
    drift: doc.drift ?? base.drift,
    severity: { ...base.severity, ...(doc.severity ?? {}) },
    secretPatterns: [...base.secretPatterns, ...(doc.secret_patterns ?? [])],
    params: {
      allowedInsecureRegistries: p.allowed_insecure_registries ?? b.allowedInsecureRegistries,
      allowedDockerUsers: p.docker_group_members ?? b.allowedDockerUsers,
      minimumEngineVersion: p.minimum_engine_version ?? b.minimumEngineVersion,
      allowedLogDrivers: p.log_drivers ?? b.allowedLogDrivers,
      certsMaxMode: p.certs_max_mode !== undefined ? parseOctal(p.certs_max_mode) : b.certsMaxMode,
      maxRestartRetries: p.max_restart_retries ?? b.maxRestartRetries,
    },
  };
}

/** Nothing set: what the shipped default file fills in. */
const EMPTY: Policy = {
  files: [],
  level: 1,
  include: [],
  exclude: [],
  drift: true,
  severity: {},
  secretPatterns: [],
  params: {
    allowedInsecureRegistries: [],
    allowedDockerUsers: [],
    minimumEngineVersion: "0",
    allowedLogDrivers: [],
    certsMaxMode: 0o444,
    maxRestartRetries: 5,
  },
};

function readPolicyFile(file: string, base: Policy, driftIds: readonly string[]): Policy {
  const src = loadYamlInput(file, "policy file", validatePolicy);
  const doc = (src.data ?? {}) as PolicyFile;
  const errors = unknownNames(src, doc, driftIds);
  if (errors.length > 0) throw new ConfigErrors(errors);
  return merge(base, doc, file);
}

/**
 * The default policy, with the user's file on top when one is given.
 *
 * @example loadPolicy("site-policy.yaml", driftIdsOf(drift)).params.minimumEngineVersion
 * @throws ConfigError(s) naming the file, the dot-path and the line of each problem
 */
export function loadPolicy(file: string | undefined, driftIds: readonly string[]): Policy {
  const defaults = readPolicyFile(DEFAULT_POLICY_FILE, EMPTY, driftIds);
  return file === undefined ? defaults : readPolicyFile(file, defaults, driftIds);
}

/** Whether the policy runs a CIS check of this id and level. */
export function selects(policy: Policy, id: string, level: number): boolean {
  if (policy.exclude.some((p) => matches(p, id))) return false;
  return level <= policy.level || policy.include.some((p) => matches(p, id));
}

/** The severity the policy gives a check: the last matching override, else the check's own. */
export function severityOf(policy: Policy, id: string, own: string | undefined): string | undefined {
  let out = own;
  for (const [pattern, severity] of Object.entries(policy.severity)) if (matches(pattern, id)) out = severity;
  return out;
}

/**
 * The checks a policy runs, with its severity overrides in their labels.
 *
 * @example applyPolicy(policy, catalog(policy.params)).map((c) => c.id)
 */
export function applyPolicy(policy: Policy, checks: readonly Check[]): Check[] {
  return checks
    .filter((c) => selects(policy, c.id, Number(c.labels?.level ?? 1)))
    .map((c) => {
      const severity = severityOf(policy, c.id, c.labels?.severity);
      return severity === c.labels?.severity
        ? c
        : { ...c, labels: { ...c.labels, ...(severity ? { severity } : {}) } };
    });
}
