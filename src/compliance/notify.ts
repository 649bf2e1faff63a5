/**
 * Telling someone: after a run, a JSON message to a URL (a chat webhook, an alert receiver), sent
 * only when something newly failed or was fixed since the run before, so an unchanged fleet makes
 * no noise. The message is plain data a receiver can read or forward.
 */
import { printableJson } from "../report/printable.js";
import type { RunDiff, DiffItem } from "./history/analysis.js";
import { countRun, type ComplianceRun } from "./run-record.js";

export interface NotifyMessage {
  source: "ops check";
  run: string;
  at: string;
  inventory: string;
  exitCode: number;
  /** One line a person reads first: "el9-1: cis.2.15 newly failing; 1 fixed". */
  text: string;
  newlyFailing: DiffItem[];
  fixed: DiffItem[];
  totals: ReturnType<typeof countRun>;
}

/**
 * The message for a run compared with the one before, or undefined when there is nothing new.
 *
 * @example notifyMessage(run, diffRuns(previous, run)) // { text: "1 newly failing: el9-1 cis.2.2; 0 fixed", ... }
 */
export function notifyMessage(run: ComplianceRun, diff: RunDiff | undefined): NotifyMessage | undefined {
  const newlyFailing =
    diff?.newlyFailing ??
    run.hosts.flatMap((h) =>
      h.checks
        .filter((c) => c.status === "fail" || c.status === "error")
        .map((c) => ({
          host: h.host,
          check: c.id,
          title: c.title,
          ...(c.severity ? { severity: c.severity } : {}),
          after: c.status,
          message: c.message,
        })),
    );
  const fixed = diff?.fixed ?? [];
  if (newlyFailing.length === 0 && fixed.length === 0) return undefined;
  const names = (items: DiffItem[]) =>
    items
      .slice(0, 5)
      .map((i) => `${i.host} ${i.check}`)
      .join(", ") + (items.length > 5 ? `, and ${items.length - 5} more` : "");
  const parts = [
    newlyFailing.length > 0 ? `${newlyFailing.length} newly failing: ${names(newlyFailing)}` : "",
    fixed.length > 0 ? `${fixed.length} fixed: ${names(fixed)}` : "",
  ].filter(Boolean);
  return {
    source: "ops check",
    run: run.id,
    at: run.finishedAt,
    inventory: run.inventory,
    exitCode: run.exitCode,
    text: `ops check ${run.inventory}: ${parts.join("; ")}`,
    newlyFailing,
    fixed,
    totals: countRun(run),
  };
}

export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    redirect: "manual";
  },
) => Promise<{ ok: boolean; status: number }>;

/**
 * POSTs the message as JSON; throws naming the status or the network error (the URL itself, which
 * may hold a token, is never part of the error). A redirect is never followed: it would re-send the
 * whole message to wherever the webhook points, maybe another host; it is a failed notification.
 */
export async function postNotification(
  url: string,
  message: NotifyMessage,
  fetchImpl: FetchLike = fetch,
  timeoutMs = 15_000,
): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  try {
    const res = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: printableJson(message),
      signal,
      redirect: "manual",
    });
    if (res.ok) return;
    status = res.status;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new Error(
      `the notification was not delivered: ${cause ?? (err instanceof Error ? err.name : String(err))}`,
    );
  }
  if (status >= 300 && status < 400)
    throw new Error(
      `the notification was not delivered: the webhook answered HTTP ${status}, a redirect ops does not follow`,
    );
  throw new Error(`the notification was refused: HTTP ${status}`);
}
