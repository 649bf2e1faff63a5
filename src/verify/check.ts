/**
 * A verify check is data: a shell script that shows something about the engine, and a pure parser
 * that judges what it printed. Checks never run anything themselves; the batch (batch.ts) runs the
 * scripts of one host in a single round trip and hands each parser its own section.
 */
import { tail } from "../run/tail.js";

export type CheckStatus = "pass" | "fail" | "error";

/** The course chapter a check proves: 3 install, 7 network modes, 8 data volumes. */
export type Chapter = "3" | "7" | "8";

/** What the user reads under a failing check: what ran, and the end of what it printed. */
export interface Evidence {
  command: string;
  outputTail: string;
}

export interface CheckResult {
  status: CheckStatus;
  /** One line that says what was found, e.g. "docker.service is inactive (expected active)". */
  message: string;
  evidence: Evidence;
  expected?: string;
  actual?: string;
  /** What to do about a fail or an error. */
  hint?: string;
}

/** What one check's section printed: stdout and stderr folded together, and its exit code. */
export interface SectionResult {
  code: number;
  output: string;
}

/** The desired state verify compares against: the same variables install-engine converges to. */
export interface Desired {
  registryMirrors: readonly string[];
  insecureRegistries: readonly string[];
  /** install-engine's version pin, when one is set. */
  dockerVersion?: string;
}

/** Everything a check's script and parser may depend on. Identical for every host of a run. */
export interface CheckContext {
  /** `ops-verify-<runid>`: every container, volume and temp path verify creates starts with it. */
  prefix: string;
  /** The test image (`verify_image`, default busybox). */
  image: string;
  /** A random value per run that containers write and the host reads back, so stale data cannot pass. */
  token: string;
  desired: Desired;
}

export interface Check {
  /** Stable dotted id, e.g. `engine.active`; also the JUnit test case name. */
  id: string;
  title: string;
  chapter?: Chapter;
  /** Ids of checks whose section must have exited 0 before this one runs (else it is reported as an error). */
  needs?: readonly string[];
  /** POSIX sh; stdout and stderr are folded into the section. Equal scripts are run once and shared. */
  script(ctx: CheckContext): string;
  /** The command a person would type to see the same thing, for the evidence. */
  command(ctx: CheckContext): string;
  /** Pure: the section in, the verdict out. */
  parse(result: SectionResult, ctx: CheckContext): CheckResult;
}

/** Evidence of a section: the command and the last lines of its output. */
export function evidenceOf(command: string, result: SectionResult, lines = 8): Evidence {
  return { command, outputTail: tail(result.output, lines) };
}

/** `key value` lines of a section: the value of the first line starting with `key `, or undefined. */
export function field(output: string, key: string): string | undefined {
  const line = output.split("\n").find((l) => l.startsWith(`${key} `) || l === key);
  return line === undefined ? undefined : line.slice(key.length + 1).trim();
}

/** The last non-empty line of an output: usually the error a command died with. */
export function lastLine(output: string): string {
  const all = output
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return all[all.length - 1] ?? "(no output)";
}

/**
 * Builds a result with the evidence of the section filled in.
 *
 * @example verdict(check, ctx, result, "fail", "docker.service is inactive", { hint: "systemctl start docker" })
 */
export function verdict(
  check: Pick<Check, "command">,
  ctx: CheckContext,
  result: SectionResult,
  status: CheckStatus,
  message: string,
  extra: Pick<CheckResult, "expected" | "actual" | "hint"> = {},
): CheckResult {
  const out: CheckResult = { status, message, evidence: evidenceOf(check.command(ctx), result) };
  if (extra.expected !== undefined) out.expected = extra.expected;
  if (extra.actual !== undefined) out.actual = extra.actual;
  if (extra.hint !== undefined) out.hint = extra.hint;
  return out;
}
