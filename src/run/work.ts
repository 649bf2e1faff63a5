/**
 * What each host runs, from the chosen playbooks: their resources and handlers (run, check) and
 * their checks (verify; compliance keeps the read-only ones). Playbook code runs here, so its errors
 * are turned into configuration errors naming the playbook's file, found before any host is touched.
 */
import { readFileSync } from "node:fs";
import { gatesOf } from "../checks/batch.js";
import type { Check } from "../checks/check.js";
import { ConfigError, ConfigErrors, OpsError } from "../errors.js";
import { SAMPLE_HOST_FACTS, type HostFacts } from "../packages/host-facts.js";
import type { RunContext } from "../playbook.js";
import type { Handler, Resource } from "../resources/resource.js";
import type { HostWork } from "./host-pipeline.js";
import { playbookHost, type LoadedPlaybook } from "./prepare.js";
import type { Target } from "./targets.js";

/** Which parts of the playbooks a command runs. */
export interface Stages {
  /** Resources and handlers: planned, and applied unless the run only plans. */
  resources: boolean;
  /** The playbooks' checks. `"read-only"`: only checks without side effects (compliance). */
  checks: boolean | "read-only";
}

/** Where a playbook's code failed: its file, and the line naming `needle` when it can be found. */
function playbookLocation(loaded: LoadedPlaybook, needle?: string): { file?: string; line?: number } {
  if (loaded.file === undefined) return {};
  if (needle === undefined) return { file: loaded.file };
  try {
    const lines = readFileSync(loaded.file, "utf8").split("\n");
    const at = lines.findIndex(
      (l) => l.includes(`"${needle}"`) || l.includes(`'${needle}'`) || l.includes(`\`${needle}\``),
    );
    return at < 0 ? { file: loaded.file } : { file: loaded.file, line: at + 1 };
  } catch {
    return { file: loaded.file };
  }
}

function codeError(loaded: LoadedPlaybook, what: string, err: unknown): ConfigError {
  if (err instanceof OpsError)
    return err instanceof ConfigError
      ? err
      : new ConfigError(err.message, playbookLocation(loaded), err.hint);
  const message = err instanceof Error ? err.message : String(err);
  return new ConfigError(
    `playbook '${loaded.playbook.name}': ${what} failed: ${message}`,
    playbookLocation(loaded),
    loaded.file ? "this is an error in the playbook's code" : undefined,
  );
}

/**
 * The work of one host, from its facts.
 *
 * @example buildWork(playbooks, target, { resources: true, checks: false }, runOf, facts).resources.length
 */
export function buildWork(
  playbooks: readonly LoadedPlaybook[],
  target: Target,
  stages: Stages,
  runOf: (playbook: string) => RunContext,
  facts: HostFacts,
): HostWork {
  const resources: Resource[] = [];
  const handlers: Handler[] = [];
  const checks: Check[] = [];
  const host = { ...playbookHost(target.host), facts };
  for (const loaded of playbooks) {
    const { playbook } = loaded;
    const run = runOf(playbook.name);
    try {
      if (stages.resources) {
        resources.push(...playbook.resources(target.vars, host, run));
        handlers.push(...(playbook.handlers?.(target.vars) ?? []));
      }
      if (stages.checks) {
        const all = playbook.checks?.(target.vars, host, run) ?? [];
        checks.push(...(stages.checks === "read-only" ? all.filter((c) => c.cleanup === undefined) : all));
      }
    } catch (err) {
      throw codeError(loaded, "listing its resources and checks", err);
    }
  }
  return { resources, handlers, checks };
}

/** Problems of one host's work: notifies no handler answers, duplicate or misordered checks. */
function workProblems(loaded: LoadedPlaybook, work: HostWork): ConfigError[] {
  const problems: ConfigError[] = [];
  const names = new Set(work.handlers.map((h) => h.name));
  for (const r of work.resources) {
    for (const n of r.notifies ?? []) {
      if (names.has(n)) continue;
      const known = [...names].join(", ") || "none";
      problems.push(
        new ConfigError(
          `resource ${r.id} notifies handler '${n}', which playbook '${loaded.playbook.name}' does not register (its handlers: ${known})`,
          playbookLocation(loaded, n),
          "register it in the playbook's handlers(), or fix the name in notify",
        ),
      );
    }
  }
  const ids = new Set<string>();
  for (const c of work.checks) {
    if (ids.has(c.id))
      problems.push(new ConfigError(`two checks have the id '${c.id}'`, playbookLocation(loaded, c.id)));
    ids.add(c.id);
  }
  try {
    gatesOf(work.checks);
  } catch (err) {
    problems.push(codeError(loaded, "ordering its checks", err));
  }
  return problems;
}

/**
 * Builds every host's work once per family (with sample facts: the real ones are read when the host
 * connects), before anything connects, and throws what is wrong with it.
 *
 * @throws ConfigError | ConfigErrors
 */
export function validateWork(
  playbooks: readonly LoadedPlaybook[],
  targets: readonly Target[],
  stages: Stages,
  runOf: (playbook: string) => RunContext,
): void {
  const problems = new Map<string, ConfigError>();
  for (const target of targets) {
    for (const facts of Object.values(SAMPLE_HOST_FACTS)) {
      for (const loaded of playbooks) {
        const work = buildWork([loaded], target, stages, runOf, facts);
        for (const p of workProblems(loaded, work)) problems.set(p.message, p);
      }
    }
    if (problems.size > 0) break; // the same mistake on every host: once is enough
  }
  const list = [...problems.values()];
  if (list.length === 1 && list[0]) throw list[0];
  if (list.length > 1) throw new ConfigErrors(list);
}
