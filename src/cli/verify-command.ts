/**
 * `ops verify`: resolve targets with install-engine's variables (plus verify_image), verify every
 * host in parallel, print the report, choose the exit code. On SIGINT it cleans the hosts that are
 * mid-check (bounded in time) before giving up, so an interrupted run leaves nothing behind.
 */
import { installEngineVariables } from "../../playbooks/install-engine.vars.js";
import { makeConnector, sshOptionsFrom } from "../run/connector.js";
import { EXIT } from "./exit-codes.js";
import type { TargetCliOptions } from "./target-options.js";
import { Redactor } from "../run/redact.js";
import { resolveTargets } from "../run/targets.js";
import { CleanupRegistry } from "../verify/cleanup.js";
import { renderReport, type VerifyOutput } from "../verify/format.js";
import { verifyVariables } from "../verify/vars.js";
import { runVerify, verifyExitCode } from "../verify/verify.js";

export interface VerifyCliOptions extends TargetCliOptions {
  output: VerifyOutput;
}

/** How long an interrupted run may spend removing its containers before it gives up. */
const INTERRUPT_CLEANUP_MS = 30_000;

export async function verifyCommand(
  opts: VerifyCliOptions,
  write: (text: string) => void = (t) => void process.stdout.write(t),
): Promise<number> {
  const { targets, secrets } = await resolveTargets({
    inventoryFile: opts.inventory,
    limit: opts.limit,
    extraVars: opts.extraVars,
    schema: verifyVariables(installEngineVariables),
  });
  const cleanups = new CleanupRegistry();
  const connect = makeConnector(sshOptionsFrom(opts));
  let onSigint: (() => void) | undefined;
  let stopping = false;
  const interrupted = new Promise<number>((resolve) => {
    onSigint = () => {
      stopping = true;
      const count = cleanups.hosts.length;
      process.stderr.write(`\ninterrupted: removing what verify created on ${count} host(s)...\n`);
      void cleanups.cleanupAll(INTERRUPT_CLEANUP_MS).then((done) => {
        process.stderr.write(`cleaned up ${done.length} of ${count} host(s)\n`);
        resolve(EXIT.interrupted);
      });
    };
    process.once("SIGINT", onSigint);
  });
  try {
    const verified = runVerify(
      targets,
      { forks: opts.forks },
      { connect, redactor: new Redactor(secrets), now: () => Date.now(), cleanups },
    ).then((report) => {
      if (stopping) return EXIT.interrupted;
      write(renderReport(report, opts.output));
      return verifyExitCode(report);
    });
    const code = await Promise.race([verified, interrupted]);
    // Hosts whose batch the interrupt killed finish first; the interrupt's cleanup still decides.
    return stopping ? await interrupted : code;
  } finally {
    if (onSigint) process.removeListener("SIGINT", onSigint);
  }
}
