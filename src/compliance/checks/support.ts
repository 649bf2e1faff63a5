/**
 * What the compliance checks share: their metadata (CIS section, severity, benchmark level), the
 * "not applicable" verdict, and the error every engine-dependent check gives when the engine does
 * not answer.
 */
import { verdict, type Check, type CheckOutcome, type CheckResult } from "../../checks/check.js";
import { dockerDaemon, type DockerInfo } from "../../facts/docker-info.js";
import type { FactSet } from "../../facts/fact.js";

export type Severity = "high" | "medium" | "low";

/** A compliance check's identity, beside its facts and judge. */
export interface CheckMeta {
  /** Stable dotted id, the waiver and history key: `cis.daemon.live-restore`. */
  readonly id: string;
  readonly title: string;
  /** CIS Docker Benchmark v1.6 section(s), e.g. "2.15" or "3.17, 3.18". */
  readonly cis: string;
  readonly severity: Severity;
  /** CIS profile level: the default policy runs level 1; level 2 costs functionality (see docs). */
  readonly level: 1 | 2;
}

/** Builds a Check from its metadata: the labels reporters and policies read are derived here. */
export function complianceCheck(
  meta: CheckMeta,
  facts: Check["facts"],
  judge: (facts: FactSet) => CheckResult,
): Check {
  return {
    id: meta.id,
    title: meta.title,
    labels: { cis: meta.cis, severity: meta.severity, level: String(meta.level) },
    facts,
    judge,
  };
}

const NOT_APPLICABLE = "not applicable";

/**
 * A check that does not apply to this host (no auditd, no TCP socket): it passes, and says why.
 * The one place that decides how "not applicable" is expressed, so reports can show it apart.
 *
 * @example notApplicable("auditd is not installed", { command: "command -v auditctl", output: "" })
 */
export function notApplicable(
  why: string,
  evidence: { command: string; output: string; source?: string },
): CheckResult {
  return verdict("pass", `${NOT_APPLICABLE}: ${why}`, evidence, { actual: NOT_APPLICABLE });
}

/** Whether an outcome is a "not applicable" pass. */
export function isNotApplicable(outcome: Pick<CheckOutcome, "status" | "actual">): boolean {
  return outcome.status === "pass" && outcome.actual === NOT_APPLICABLE;
}

/** The error of a check that needs the engine's answer when the engine gives none. */
export function engineDown(info: Exclude<DockerInfo, { status: "running" }>): CheckResult {
  const absent = info.status === "absent";
  return verdict(
    "error",
    absent ? "docker is not installed: nothing to judge" : `the engine does not answer: ${info.message}`,
    {
      command: "docker info",
      output: absent ? "docker: command not found" : info.message,
      source: "docker info",
    },
    {
      hint: absent
        ? "install the engine (ops run install-engine)"
        : "systemctl start docker, then check again",
    },
  );
}

/** `a, b and c` for messages. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1] ?? ""}`;
}

export type RunningEngine = Extract<DockerInfo, { status: "running" }>;

/**
 * A check that judges the running engine: it reads `docker info` with its other facts, and is an
 * error (engineDown) when the engine does not answer, before its judge is called.
 *
 * @example engineCheck(meta, [], (info) => verdict(info.liveRestore ? "pass" : "fail", ...))
 */
export function engineCheck(
  meta: CheckMeta,
  facts: Check["facts"],
  judge: (info: RunningEngine, facts: FactSet) => CheckResult,
): Check {
  return complianceCheck(meta, [dockerDaemon, ...facts], (all) => {
    const info = all.get(dockerDaemon);
    return info.status === "running" ? judge(info, all) : engineDown(info);
  });
}
