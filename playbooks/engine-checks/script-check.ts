/**
 * install-engine's checks are written as a shell script that shows something about the engine and a
 * pure parser judging what it printed (its folded output and exit status). `toCheck` turns one into
 * the engine's `Check`: the script becomes a command fact gathered in the host's one batch (equal
 * scripts share one section: the docker-info probe feeds four checks), `needs` gate it there, and
 * checks that create containers carry the cleanup that removes them.
 */
import { createHash } from "node:crypto";
import {
  verdict as checkVerdict,
  type Check,
  type CheckResult,
  type CheckStatus,
} from "../../src/checks/check.js";
import { commandFact, type CommandOutput } from "../../src/facts/command.js";

export type { CheckResult };

/** The course chapter a check proves: 3 install, 7 network modes, 8 data volumes. */
export type Chapter = "3" | "7" | "8";

/** What one check's script printed: stdout and stderr folded together, and its exit code. */
export type SectionResult = CommandOutput;

/** The desired state verify compares against: the same variables install-engine converges to. */
export interface Desired {
  registryMirrors: readonly string[];
  insecureRegistries: readonly string[];
  /** install-engine's version pin, when one is set. */
  dockerVersion?: string;
}

/** Everything a check's script and parser may depend on. Identical for every host of a run. */
export interface CheckContext {
  /** `ops-verify-<runid>`: every container, volume and temp path the checks create starts with it. */
  prefix: string;
  /** The test image (`verify_image`, default busybox). */
  image: string;
  /**
   * Hosts installed from an offline bundle reach no registry: the image must be there with one of
   * these ids (the bundle's, per architecture) instead of pulling.
   */
  bundledImageIds?: readonly string[];
  /** A random value per run that containers write and the host reads back, so stale data cannot pass. */
  token: string;
  desired: Desired;
}

export interface ScriptCheck {
  /** Stable dotted id, e.g. `engine.active`; also the JUnit test case name. */
  id: string;
  title: string;
  chapter?: Chapter;
  /** Ids of checks whose script must have exited 0 before this one runs (else it is reported as an error). */
  needs?: readonly string[];
  /** The script creates something on the host (a pulled image, containers, volumes) that cleanup removes. */
  effects?: boolean;
  /** POSIX sh; stdout and stderr are folded into the section. Equal scripts are run once and shared. */
  script(ctx: CheckContext): string;
  /** The command a person would type to see the same thing, for the evidence. */
  command(ctx: CheckContext): string;
  /** Pure: the section in, the verdict out. */
  parse(result: SectionResult, ctx: CheckContext): CheckResult;
}

/** The engine Check of a script check, for one run's context. */
export function toCheck(def: ScriptCheck, ctx: CheckContext, cleanup?: string): Check {
  const script = def.script(ctx);
  const fact = commandFact(`check:${createHash("sha256").update(script).digest("hex").slice(0, 16)}`, script);
  return {
    id: def.id,
    title: def.title,
    ...(def.chapter ? { labels: { chapter: def.chapter } } : {}),
    facts: [fact],
    ...(def.needs ? { needs: def.needs } : {}),
    command: def.command(ctx),
    ...(cleanup !== undefined && def.effects ? { cleanup } : {}),
    judge: (facts) => def.parse(facts.get(fact), ctx),
  };
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
  check: Pick<ScriptCheck, "command">,
  ctx: CheckContext,
  result: SectionResult,
  status: CheckStatus,
  message: string,
  extra: Pick<CheckResult, "expected" | "actual" | "hint"> = {},
): CheckResult {
  return checkVerdict(status, message, { command: check.command(ctx), output: result.output }, extra);
}
