/**
 * What happens after the hosts of a compliance run were checked: the run is stored in history, the
 * reports are written (each atomically), and when a notify URL is given, a message goes out if
 * something newly failed or was fixed since the run before (of the same inventory).
 */
import { join } from "node:path";
import { writeFileAtomic } from "../fs/write-atomic.js";
import { analyzeHistory, diffRuns, previousPerHost, type TrendPoint } from "./history/analysis.js";
import type { HistoryStore, Retention } from "./history/sql-store.js";
import { notifyMessage, postNotification, type FetchLike } from "./notify.js";
import { htmlReport } from "./report/html.js";
import { prometheusText } from "./report/prometheus.js";
import type { ComplianceRun } from "./run-record.js";

export interface FinishOptions {
  store?: HistoryStore;
  /** Writes report.html, report.json, junit.xml and ops_check.prom here. */
  reportDir?: string;
  html?: string;
  prometheus?: string;
  /** The run as JUnit XML (the engine's reporter), for the report directory. */
  junit?: string;
  notifyUrl?: string;
  fetchImpl?: FetchLike;
  /** The Prometheus `inventory` label: a schedule's name, else the inventory file. */
  metricsName?: string;
  /** Runs the history keeps after this one is stored (--keep-runs, --keep-days). */
  retention?: Omit<Retention, "now">;
}

export interface Finished {
  /** Files written. */
  reports: string[];
  /** Runs retention deleted. */
  pruned?: number;
  /** The notification sent, if one was. */
  notified?: string;
}

/** Runs kept for the trend of the HTML report. */
const TREND_RUNS = 30;

/**
 * @example const { reports } = await finishRun(run, { store, reportDir: "/var/lib/ops/reports" });
 * @throws when the history cannot store the run or a report cannot be written
 */
export async function finishRun(run: ComplianceRun, o: FinishOptions): Promise<Finished> {
  const store = o.store;
  // Each host against its own previous run of the same check set, found before this one is stored.
  const previousIds = store ? await store.previousRunsOf(run) : new Map<string, string>();
  await store?.save(run);
  const pruned =
    store && o.retention ? await store.prune({ ...o.retention, now: new Date(run.finishedAt) }) : 0;
  let trend: TrendPoint[] = [];
  if (store) {
    const ids = (await store.listRuns({ limit: TREND_RUNS, inventory: run.inventory })).map((r) => r.id);
    trend = analyzeHistory(await store.loadRuns(ids)).trend;
  } else trend = analyzeHistory([run]).trend;

  const files: [string | undefined, () => string][] = [
    [o.html, () => htmlReport(run, trend)],
    [o.prometheus, () => prometheusText(run, o.metricsName)],
  ];
  if (o.reportDir !== undefined) {
    files.push(
      [join(o.reportDir, "report.html"), () => htmlReport(run, trend)],
      [join(o.reportDir, "report.json"), () => `${JSON.stringify(run, null, 2)}\n`],
      [join(o.reportDir, "ops_check.prom"), () => prometheusText(run, o.metricsName)],
    );
    if (o.junit !== undefined) {
      const junit = o.junit;
      files.push([join(o.reportDir, "junit.xml"), () => junit]);
    }
  }
  const reports: string[] = [];
  for (const [file, render] of files) {
    if (file === undefined) continue;
    await writeFileAtomic(file, render());
    reports.push(file);
  }

  const kept = { reports, ...(pruned > 0 ? { pruned } : {}) };
  if (o.notifyUrl === undefined) return kept;
  const loaded = store ? await store.loadRuns([...new Set(previousIds.values())]) : [];
  const previous = previousPerHost(run, previousIds, loaded);
  const message = notifyMessage(run, previous ? diffRuns(previous, run) : undefined);
  if (message === undefined) return kept;
  await postNotification(o.notifyUrl, message, o.fetchImpl);
  return { ...kept, notified: message.text };
}
