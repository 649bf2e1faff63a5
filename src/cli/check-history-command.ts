/**
 * `ops check history` and `ops check diff`: read what earlier compliance runs found, from the same
 * history `ops check` writes (SQLite by default, or PostgreSQL).
 */
import { resolve } from "node:path";
import { analyzeHistory, diffRuns } from "../compliance/history/analysis.js";
import { defaultHistoryPath, openHistory } from "../compliance/history/open.js";
import type { HistoryStore } from "../compliance/history/sql-store.js";
import { diffText, historyText, runsText } from "../compliance/report/text.js";
import { ConfigError } from "../errors.js";
import { EXIT } from "./exit-codes.js";
import { printableJson } from "../report/printable.js";

export interface HistoryCliOptions {
  history?: string;
  /** Only runs of this inventory. */
  inventory?: string;
  runs: number;
  all: boolean;
  listRuns: boolean;
  output: "pretty" | "json";
}

export interface DiffCliOptions {
  history?: string;
  inventory?: string;
  output: "pretty" | "json";
}

async function withStore<T>(spec: string | undefined, work: (store: HistoryStore) => Promise<T>): Promise<T> {
  const store = await openHistory(spec || defaultHistoryPath());
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const inventoryKey = (file: string | undefined) => (file === undefined ? {} : { inventory: resolve(file) });

/**
 * @example await checkHistoryCommand({ runs: 30, all: false, listRuns: false, output: "pretty" }, write)
 */
export async function checkHistoryCommand(
  opts: HistoryCliOptions,
  write: (text: string) => void,
): Promise<number> {
  return withStore(opts.history, async (store) => {
    const listed = await store.listRuns({ limit: opts.runs, ...inventoryKey(opts.inventory) });
    if (opts.listRuns) {
      write(opts.output === "json" ? `${printableJson(listed, 2)}\n` : runsText(listed));
      return EXIT.ok;
    }
    const report = analyzeHistory(await store.loadRuns(listed.map((r) => r.id)));
    write(opts.output === "json" ? `${printableJson(report, 2)}\n` : historyText(report, opts.all));
    return EXIT.ok;
  });
}

/**
 * Compares two runs: by id, or the two latest (of one inventory when given).
 *
 * @example await checkDiffCommand(undefined, undefined, { output: "pretty" }, write)
 */
export async function checkDiffCommand(
  from: string | undefined,
  to: string | undefined,
  opts: DiffCliOptions,
  write: (text: string) => void,
): Promise<number> {
  return withStore(opts.history, async (store) => {
    let ids: string[];
    if (from !== undefined && to !== undefined) ids = [from, to];
    else {
      const latest = (await store.listRuns({ limit: 2, ...inventoryKey(opts.inventory) })).map((r) => r.id);
      ids = from !== undefined ? [from, latest[0] ?? ""] : [latest[1] ?? "", latest[0] ?? ""];
    }
    const runs = await store.loadRuns(ids);
    const [a, b] = ids.map((id) => runs.find((r) => r.id === id));
    if (a === undefined || b === undefined) {
      const missing = ids.filter((id) => !runs.some((r) => r.id === id));
      const what = missing.some((m) => m === "")
        ? "the history holds fewer than two runs"
        : `no run ${missing.join(", ")} in ${store.where}`;
      throw new ConfigError(
        `cannot compare: ${what}`,
        { path: "ops check diff" },
        "ops check history --list-runs",
      );
    }
    const d = diffRuns(a, b);
    write(opts.output === "json" ? `${printableJson(d, 2)}\n` : diffText(d));
    return EXIT.ok;
  });
}
