/**
 * What `ops run`, `ops verify` and `ops check` share: load the playbooks, check every input before
 * connecting, choose the reporter, handle signals, run the one engine, and turn its result into the
 * exit code.
 */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import type { CheckOutcome } from "../checks/check.js";
import type { RunCommand } from "../events.js";
import { makeConnector, sshOptionsFrom } from "../run/connector.js";
import { executeRun } from "../run/execute.js";
import { HostCleanups } from "../run/host-cleanups.js";
import { prepareRun, type LoadedPlaybook } from "../run/prepare.js";
import type { RunResult } from "../run/run.js";
import type { Stages } from "../run/work.js";
import { builtinVariableNames } from "../../playbooks/index.js";
import { exitCodeFor } from "./exit-codes.js";
import { loadPlaybook } from "./load-playbook.js";
import { chooseReporter, type OutputFormat } from "./reporter.js";
import { handleInterrupts, setActiveCleanups, type Interrupts } from "./signals.js";
import type { TargetCliOptions } from "./target-options.js";
import { keyringFrom } from "./vault-options.js";

export interface HostsCliOptions extends TargetCliOptions {
  output: OutputFormat;
  check?: boolean;
  diff?: boolean;
  verbose?: boolean;
  yes?: boolean;
}

export interface CommandSpec {
  command: RunCommand;
  /** Built-in names or paths of the playbooks, or playbooks built in code (compliance's). */
  playbooks: readonly (string | LoadedPlaybook)[];
  stages: Stages;
  /** Apply the plan (only `ops run` without --check). */
  apply: boolean;
  /** `ops run --verify`: judge the playbook's checks after applying. */
  checksAfterApply?: boolean;
  /** Compliance: each planned resource is also a `drift.<id>` check. */
  drift?: boolean;
  /** Compliance: sees each check outcome before it is recorded (waivers are applied here). */
  judged?: (host: string, outcome: CheckOutcome) => CheckOutcome;
  /** Compliance: masks secrets by their shape (secret options, a URL's password) in everything the run reports. */
  maskText?: (text: string) => string;
}

/** A fresh run id: 12 lowercase hex characters. */
export const newRunId = (): string => randomBytes(6).toString("hex");

/**
 * Runs one command over the inventory's hosts and returns the result with the exit code.
 *
 * @example const { code } = await executeCommand({ command: "verify", playbooks: ["install-engine"], stages: { resources: false, checks: true }, apply: false }, opts);
 */
export async function executeCommand(
  spec: CommandSpec,
  opts: HostsCliOptions,
): Promise<{ code: number; result: RunResult; playbooks: LoadedPlaybook[] }> {
  // Signals are handled from the first moment: one that comes while playbooks and the inventory
  // load (seconds for a large inventory) stops the run before any host, with exit 130 and a
  // message, instead of Node's silent death by signal.
  const cleanups = new HostCleanups();
  setActiveCleanups(cleanups);
  const interrupts = handleInterrupts(cleanups);
  try {
    return await executeWith(spec, opts, cleanups, interrupts);
  } finally {
    interrupts.dispose();
    setActiveCleanups(undefined);
  }
}

async function executeWith(
  spec: CommandSpec,
  opts: HostsCliOptions,
  cleanups: HostCleanups,
  interrupts: Interrupts,
): Promise<{ code: number; result: RunResult; playbooks: LoadedPlaybook[] }> {
  const playbooks: LoadedPlaybook[] = [];
  for (const ref of spec.playbooks) playbooks.push(typeof ref === "string" ? await loadPlaybook(ref) : ref);
  const known = await builtinVariableNames();
  // The vault passwords are needed only while the inputs load: wiped before any host is reached.
  const vault = keyringFrom(opts);
  const prepared = await prepareRun({
    playbooks,
    inventoryFile: opts.inventory,
    limit: opts.limit,
    extraVars: opts.extraVars,
    known,
    vault,
  }).finally(() => vault.dispose());
  // A directory or a FIFO given as known_hosts is the run's configuration error, found before any host.
  const { checkKnownHostsFiles } = await import("../transport/known-hosts-check.js");
  await checkKnownHostsFiles(
    prepared.targets.map((t) => t.host.connection),
    opts.knownHosts ? { knownHostsFile: opts.knownHosts } : {},
  );
  const view = { check: !spec.apply, diff: opts.diff ?? false, verbose: opts.verbose ?? false };
  const sink = await chooseReporter(opts.output, view);
  const result = await executeRun(
    {
      command: spec.command,
      ...(spec.checksAfterApply ? { checksAfterApply: true } : {}),
      playbooks,
      prepared,
      stages: spec.stages,
      apply: spec.apply,
      yes: opts.yes ?? false,
      forks: opts.forks,
      runId: newRunId(),
      startedAt: new Date().toISOString(),
      owner: `${userInfo().username}@${hostname()}`,
      ...(spec.drift ? { drift: true } : {}),
    },
    {
      connect: makeConnector(sshOptionsFrom(opts)),
      sink,
      now: () => Date.now(),
      signal: interrupts.signal,
      cleanups,
      guard: interrupts.guard,
      ...(spec.judged ? { judged: spec.judged } : {}),
      ...(spec.maskText ? { maskText: spec.maskText } : {}),
    },
  );
  const interrupted = result.interrupted || interrupts.stoppedBy !== undefined;
  const code = exitCodeFor({ command: spec.command, hosts: result.hosts, check: !spec.apply, interrupted });
  return { code, result, playbooks };
}
