/**
 * A check is facts plus a pure judge, the way a resource is facts plus a pure planner. Its facts are
 * gathered in the host's one batched probe (with the resources' facts); the judge reads them and
 * says pass, fail or error, with evidence, expected beside actual, and a hint.
 *
 * A check whose probe changes the host (verify starts containers and creates volumes) declares the
 * `cleanup` that removes it: the batch runs every cleanup on exit, after a failure and on a signal, and
 * the runner runs it again on a new channel when the run is interrupted. A check without `cleanup` must
 * be read-only: `ops check` (compliance) runs only those.
 */
import type { Fact, FactSet } from "../facts/fact.js";

/**
 * A judge's verdict. `not-applicable` is its own verdict, never a pass: a host without auditd is not
 * "compliant" with the audit recommendations, and reports, history and exports keep it apart.
 */
export type CheckStatus = "pass" | "fail" | "error" | "not-applicable";

/** What reports show and count: the verdict, or `waived` for a failure an active waiver accepts. */
export type ReportStatus = CheckStatus | "waived";

/** What the user reads under a check that did not pass: what ran, and the end of what it printed. */
export interface Evidence {
  /** The command a person would type to see the same thing. */
  command: string;
  /** The last lines of what the probe printed. */
  outputTail: string;
  /** Which source was read, where it matters ("docker info", "/etc/docker/daemon.json", "stat"). */
  source?: string;
  /** The exit status of the probe that failed, for an error on a fact that could not be read. */
  exitCode?: number;
}

export interface CheckResult {
  status: CheckStatus;
  /** One line that says what was found: "docker.service is inactive (expected active)". */
  message: string;
  evidence: Evidence;
  expected?: string;
  actual?: string;
  /** What to do about a fail or an error. */
  hint?: string;
  /** What a failure is about, by name (the offending containers): waivers' `containers:` match these. */
  subjects?: readonly string[];
}

export interface Check {
  /** Stable dotted id, e.g. `engine.active`; also the JUnit test case name and the waiver key. */
  readonly id: string;
  readonly title: string;
  /** Labels reporters show and policies select by: `{ chapter: "7" }`, `{ cis: "2.2", severity: "high" }`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Facts the judge reads; gathered in the host's single batched probe. */
  readonly facts: readonly Fact<unknown>[];
  /**
   * Ids of checks of the same host that must pass first. Decided on the host, inside the one batch:
   * this check's probes run only when every probe of the checks it needs exited 0; otherwise it is
   * reported as an error ("not run: image.pull did not pass") and its judge is not called.
   */
  readonly needs?: readonly string[];
  /** What a person would type to see the same thing: the evidence when the judge is not reached. */
  readonly command?: string;
  /** POSIX sh removing what this check's probes create; only for checks with side effects. */
  readonly cleanup?: string;
  /** Pure: facts in, verdict out. Never throws for a host's answer (a thrown error is reported as an error). */
  judge(facts: FactSet): CheckResult;
}

/** One check's verdict on one host, as events and reports carry it. */
export interface CheckOutcome extends CheckResult {
  id: string;
  title: string;
  labels?: Readonly<Record<string, string>>;
  /**
   * A failure accepted on purpose (compliance waivers): reported, but it fails nothing. Only a
   * `fail` is waived (or a check a waiver kept from running, `notRun`): an error stays an error.
   */
  waived?: { justification: string; expires?: string; notRun?: boolean };
}

/**
 * The one rule for what a report shows: `waived` for an accepted failure (or a check a waiver kept
 * from running), else the verdict itself.
 *
 * @example reportStatus({ status: "fail", waived: { justification: "legacy" } }) === "waived"
 */
export function reportStatus(o: Pick<CheckOutcome, "status" | "waived">): ReportStatus {
  if (o.waived && (o.status === "fail" || o.waived.notRun === true)) return "waived";
  return o.status;
}

/** Whether an outcome fails the run: a failure not waived, or an error (never waived). */
export const failsRun = (o: Pick<CheckOutcome, "status" | "waived">): boolean => {
  const s = reportStatus(o);
  return s === "fail" || s === "error";
};

/** The last lines of an output: enough to show the cause, short enough for a report. */
export function tailOf(text: string, lines: number): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Builds a result with its evidence.
 *
 * @example verdict("fail", "docker.service is inactive", { command: "systemctl is-active docker", output }, { hint: "systemctl start docker" })
 */
export function verdict(
  status: CheckStatus,
  message: string,
  evidence: { command: string; output: string; source?: string; exitCode?: number },
  extra: Pick<CheckResult, "expected" | "actual" | "hint"> = {},
): CheckResult {
  const out: CheckResult = {
    status,
    message,
    evidence: {
      command: evidence.command,
      outputTail: tailOf(evidence.output, 8),
      ...(evidence.source !== undefined ? { source: evidence.source } : {}),
      ...(evidence.exitCode !== undefined ? { exitCode: evidence.exitCode } : {}),
    },
  };
  if (extra.expected !== undefined) out.expected = extra.expected;
  if (extra.actual !== undefined) out.actual = extra.actual;
  if (extra.hint !== undefined) out.hint = extra.hint;
  return out;
}
