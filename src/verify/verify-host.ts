/**
 * Verifies one host: connect, run every check in one batch, judge each section, clean up. Every
 * failure is caught here and becomes per-check results, so one host never stops the others.
 */
import { ConnectError, OpsError } from "../errors.js";
import type { InventoryHost } from "../inventory/types.js";
import type { Redactor } from "../run/redact.js";
import type { Transport } from "../transport/transport.js";
import type { Check, CheckContext, CheckResult, Chapter } from "./check.js";
import { buildBatch, makeNonce, planBatch, splitBatch, type SectionOutcome } from "./batch.js";
import type { CleanupRegistry } from "./cleanup.js";
import { cleanupScript } from "./names.js";

/** One check's verdict on one host. */
export interface CheckOutcome extends CheckResult {
  id: string;
  title: string;
  chapter?: Chapter;
}

export type HostVerifyStatus = "passed" | "failed" | "unreachable";

export interface HostVerdict {
  host: string;
  status: HostVerifyStatus;
  checks: CheckOutcome[];
  /** Why the host could not be verified (unreachable, or the connection dropped mid-run). */
  error?: { message: string; hint?: string };
  /** Round trips after connecting: 1 when all went well. */
  commands: number;
  ms: number;
}

export interface VerifyDeps {
  connect(host: InventoryHost): Promise<Transport>;
  redactor: Redactor;
  now(): number;
  /** Where the host's cleanup waits while its batch runs, for the CLI's SIGINT handler. */
  cleanups?: CleanupRegistry;
}

const errorOf = (err: unknown): { message: string; hint?: string } => {
  const message = err instanceof Error ? err.message : String(err);
  return err instanceof OpsError && err.hint ? { message, hint: err.hint } : { message };
};

/** Judges each check from its section: skipped and missing sections are errors, never passes. */
export function judge(
  checks: readonly Check[],
  ctx: CheckContext,
  sectionOf: readonly number[],
  outcomes: readonly SectionOutcome[],
): CheckOutcome[] {
  return checks.map((check, i) => {
    const head = { id: check.id, title: check.title, ...(check.chapter ? { chapter: check.chapter } : {}) };
    const section = outcomes[sectionOf[i] ?? -1];
    const evidence = { command: check.command(ctx), outputTail: "" };
    if (section === undefined)
      return {
        ...head,
        status: "error",
        message: "the check did not finish (the batch stopped before it)",
        evidence,
      };
    if (section.skipped) {
      const failed = (check.needs ?? []).filter((id) => {
        const j = checks.findIndex((c) => c.id === id);
        const s = outcomes[sectionOf[j] ?? -1];
        return s === undefined || s.skipped || s.code !== 0;
      });
      const message = `not run: ${failed.join(", ") || "a check it needs"} did not pass`;
      return { ...head, status: "error", message, evidence };
    }
    return { ...head, ...check.parse(section, ctx) };
  });
}

/** Every check as an error with the same message: the batch could not run at all. */
function allErrors(checks: readonly Check[], ctx: CheckContext, message: string): CheckOutcome[] {
  return checks.map((c) => ({
    id: c.id,
    title: c.title,
    ...(c.chapter ? { chapter: c.chapter } : {}),
    status: "error",
    message,
    evidence: { command: c.command(ctx), outputTail: "" },
  }));
}

/**
 * Verifies one host. Never throws.
 *
 * @example const verdict = await verifyHost(host, ctx, allChecks, { connect, redactor, now: Date.now });
 */
export async function verifyHost(
  host: InventoryHost,
  ctx: CheckContext,
  checks: readonly Check[],
  deps: VerifyDeps,
): Promise<HostVerdict> {
  const started = deps.now();
  let transport: Transport | undefined;
  const finish = (status: HostVerifyStatus, results: CheckOutcome[], error?: unknown): HostVerdict => {
    const verdict: HostVerdict = {
      host: host.name,
      status,
      checks: deps.redactor.maskDeep(results),
      commands: transport?.commandCount ?? 0,
      ms: deps.now() - started,
    };
    if (error !== undefined) verdict.error = deps.redactor.maskDeep(errorOf(error));
    return verdict;
  };
  try {
    transport = await deps.connect(host);
  } catch (err) {
    return finish("unreachable", allErrors(checks, ctx, "not run: the host is unreachable"), err);
  }
  const cleanup = cleanupScript(ctx);
  deps.cleanups?.add(host.name, transport, cleanup);
  try {
    const plan = planBatch(checks, ctx);
    const nonce = makeNonce();
    const result = await transport.exec(buildBatch(plan, ctx, nonce));
    const results = judge(
      checks,
      ctx,
      plan.sectionOf,
      splitBatch(result.stdout, plan.sections.length, nonce),
    );
    return finish(results.every((r) => r.status === "pass") ? "passed" : "failed", results);
  } catch (err) {
    // The batch's trap cleans up when the shell ends; try once more in case it never started.
    await transport.exec(cleanup).catch(() => undefined);
    const status = err instanceof ConnectError ? "unreachable" : "failed";
    return finish(status, allErrors(checks, ctx, `not finished: ${errorOf(err).message}`), err);
  } finally {
    const owned = deps.cleanups?.remove(host.name) ?? true;
    if (owned) await transport.close().catch(() => undefined);
  }
}
