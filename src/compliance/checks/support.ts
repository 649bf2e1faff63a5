/**
 * What the compliance checks share: their metadata (the CIS id, from which the title and level come,
 * severity, and what ops reads), the "not applicable" verdict, the error every check gives when a
 * fact it reads could not be read, and the error of engine-dependent checks when the engine does not
 * answer.
 */
import { verdict, type Check, type CheckResult } from "../../checks/check.js";
import { probeFailure, unreadHint } from "../../checks/judge.js";
import { dockerDaemon, type DockerInfo } from "../../facts/docker-info.js";
import type { Fact, FactSet } from "../../facts/fact.js";
import { cisCheckId, cisRecommendation } from "../cis-table.js";

export type Severity = "high" | "medium" | "low";

/** A compliance check's identity, beside its facts and judge. */
export interface CheckMeta {
  /** The CIS Docker Benchmark v1.6.0 id it judges ("2.15"): one verdict per id. */
  readonly cis: string;
  readonly severity: Severity;
  /** What ops reads to judge it, for docs/COMPLIANCE.md ("`LiveRestoreEnabled` from `docker info`"). */
  readonly reads: string;
  /** Where ops judges differently from docker-bench-security on purpose, and why. */
  readonly differs?: string;
}

/** The docs of each check, by check id, as complianceCheck registers them. */
const DOCS = new Map<string, Pick<CheckMeta, "reads" | "differs">>();

/** What ops reads for a check id, and where it judges differently (docs/COMPLIANCE.md). */
export const checkDocs = (id: string): Pick<CheckMeta, "reads" | "differs"> | undefined => DOCS.get(id);

/**
 * The error of a check whose fact could not be read: the probe exited non-zero (command missing,
 * permission denied, timeout) or its section was cut off. Never a pass, never "not applicable".
 */
export function unreadFact(fact: Fact<unknown>, facts: FactSet): CheckResult | undefined {
  const probe = facts.probeOf(fact);
  const why = probeFailure(probe);
  if (probe === undefined || why === undefined) return undefined;
  const command = fact.command ?? fact.name;
  return verdict(
    "error",
    `could not read ${command}: ${why}`,
    { command, output: probe.output || "(no output)", source: fact.name, exitCode: probe.exitCode },
    { hint: unreadHint(command) },
  );
}

/** Builds a Check from its metadata: id, title and labels come from the CIS table; failed facts are errors. */
export function complianceCheck(
  meta: CheckMeta,
  facts: Check["facts"],
  judge: (facts: FactSet) => CheckResult,
): Check {
  const rec = cisRecommendation(meta.cis);
  const id = cisCheckId(meta.cis);
  DOCS.set(id, { reads: meta.reads, ...(meta.differs ? { differs: meta.differs } : {}) });
  return {
    id,
    title: rec.title,
    labels: { cis: meta.cis, severity: meta.severity, level: String(rec.level) },
    facts,
    judge: (all) => {
      for (const fact of facts) {
        const failed = unreadFact(fact, all);
        if (failed) return failed;
      }
      return judge(all);
    },
  };
}

/**
 * A check that does not apply to this host (no auditd, no TCP socket), and why. Its own verdict,
 * never a pass.
 *
 * @example notApplicable("auditd is not installed", { command: "command -v auditctl", output: "" })
 */
export function notApplicable(
  why: string,
  evidence: { command: string; output: string; source?: string },
): CheckResult {
  return verdict("not-applicable", `not applicable: ${why}`, evidence);
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
