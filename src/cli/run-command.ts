/** `ops run <playbook>`: resolve targets, build jobs, run them, choose the exit code. */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import { Redactor } from "../run/redact.js";
import { runExitCode, runJobs, safeSink } from "../run/run.js";
import { makeConnector, sshOptionsFrom } from "../run/connector.js";
import { resolveTargets } from "../run/targets.js";
import { loadPlaybook } from "./load-playbook.js";
import type { RunCliOptions } from "./main.js";
import { EXIT } from "./exit-codes.js";
import { chooseReporter } from "./reporter.js";
import { stopOnInterrupt } from "./interrupt.js";

export async function runCommand(ref: string, opts: RunCliOptions): Promise<number> {
  const playbook = await loadPlaybook(ref);
  const { targets, secrets } = await resolveTargets({
    inventoryFile: opts.inventory,
    limit: opts.limit,
    extraVars: opts.extraVars,
    schema: playbook.variables,
  });
  const redactor = new Redactor(secrets);
  const jobs = targets.map(({ host, vars }) => ({
    host,
    resources: playbook.resources(vars, { name: host.name, groups: host.groups }, { yes: opts.yes }),
    handlers: playbook.handlers?.(vars) ?? [],
  }));
  const emit = safeSink(await chooseReporter(opts.output, opts));
  const connect = makeConnector(sshOptionsFrom(opts));
  const startedAt = new Date().toISOString();
  const interrupt = stopOnInterrupt("interrupted: each host finishes its current step and releases its lock");
  const result = await runJobs(
    playbook.name,
    jobs,
    {
      check: opts.check,
      forks: opts.forks,
      runId: randomBytes(6).toString("hex"),
      startedAt,
      owner: `${userInfo().username}@${hostname()}`,
    },
    { connect, emit, redactor, now: () => Date.now(), signal: interrupt.signal },
  ).finally(interrupt.dispose);
  return interrupt.signal.aborted ? EXIT.interrupted : runExitCode(result.hosts, opts.check);
}
