/**
 * `ops verify` without the CLI: every target host verified in parallel (at most `forks` at once),
 * one report in inventory order. Hosts never share failure.
 */
import pLimit from "p-limit";
import type { Target } from "../run/targets.js";
import type { Check } from "./check.js";
import { allChecks } from "./checks.js";
import { newRunId, prefixOf } from "./names.js";
import { contextFor } from "./vars.js";
import { verifyHost, type HostVerdict, type VerifyDeps } from "./verify-host.js";

export interface VerifyOptions {
  forks: number;
  /** Default: a fresh random id; names on the hosts are `ops-verify-<runId>-…`. */
  runId?: string;
  /** Default: all checks (tests pass fewer). */
  checks?: readonly Check[];
}

export interface VerifyReport {
  runId: string;
  startedAt: string;
  ms: number;
  /** True when every check of every host passed. */
  ok: boolean;
  hosts: HostVerdict[];
}

/**
 * Verifies the targets.
 *
 * @example const report = await runVerify(targets, { forks: 10 }, { connect, redactor, now: Date.now });
 */
export async function runVerify(
  targets: readonly Target[],
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<VerifyReport> {
  const runId = options.runId ?? newRunId();
  const prefix = prefixOf(runId);
  // The token is what containers write and the host reads back; a second id keeps it unguessable.
  const token = `ops-verify-token-${newRunId()}`;
  const startedAt = new Date().toISOString();
  const t0 = deps.now();
  const limit = pLimit(Math.max(1, options.forks));
  const hosts = await Promise.all(
    targets.map((t) =>
      limit(() =>
        verifyHost(t.host, contextFor({ prefix, token }, t.vars), options.checks ?? allChecks, deps),
      ),
    ),
  );
  return { runId, startedAt, ms: deps.now() - t0, ok: hosts.every((h) => h.status === "passed"), hosts };
}

/** 0 when every host passed every check, 2 when a host failed a check or was unreachable. */
export function verifyExitCode(report: VerifyReport): number {
  return report.ok ? 0 : 2;
}
