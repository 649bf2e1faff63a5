/**
 * Compliance history on any SqlDriver: a run, its hosts and every check result stored in one
 * transaction (a run is stored whole or not at all), and read back whole for `ops check history`,
 * `ops check diff`, the HTML trend and notifications.
 */
import type { ComplianceRun, CheckRecord, HostRecord } from "../run-record.js";
import type { SqlDriver } from "./driver.js";

/** A run without its results: what listing shows. */
export interface RunSummary {
  id: string;
  startedAt: string;
  finishedAt: string;
  inventory: string;
  targets: string;
  policyDigest: string;
  checkSet: string;
  exitCode: number;
}

/** What retention keeps: the newest runs, and runs younger than some days. Either or both. */
export interface Retention {
  keepRuns?: number;
  keepDays?: number;
  /** Now, for keepDays. */
  now: Date;
}

export interface HistoryStore {
  readonly where: string;
  save(run: ComplianceRun): Promise<void>;
  /** The newest runs first, at most `limit`, of one inventory when given. */
  listRuns(options: { limit: number; inventory?: string }): Promise<RunSummary[]>;
  /** Whole runs by id, in the order asked; an unknown id is left out. */
  loadRuns(ids: readonly string[]): Promise<ComplianceRun[]>;
  /**
   * Each host's own previous run of the same inventory and check set in which it was checked
   * (a run limited to other hosts, or that could not reach it, is not its previous run).
   */
  previousRunsOf(
    run: Pick<ComplianceRun, "id" | "inventory" | "checkSet" | "hosts">,
  ): Promise<Map<string, string>>;
  /** Deletes the runs retention does not keep; returns how many. */
  prune(retention: Retention): Promise<number>;
  close(): Promise<void>;
}

/** Rows per multi-row INSERT: few round trips to a remote server, well under any parameter limit. */
const CHUNK = 100;

async function insertMany(
  db: SqlDriver,
  head: string,
  columns: number,
  rows: readonly unknown[][],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const one = `(${Array(columns).fill("?").join(", ")})`;
    await db.run(`${head} VALUES ${chunk.map(() => one).join(", ")}`, chunk.flat());
  }
}

interface RunRow {
  id: string;
  started_at: string;
  finished_at: string;
  inventory: string;
  targets: string;
  policy: string;
  policy_digest: string;
  check_set: string;
  exit_code: number | string;
}

const RUN_COLUMNS =
  "id, started_at, finished_at, inventory, targets, policy, policy_digest, check_set, exit_code";

const summaryOf = (r: RunRow): RunSummary => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  inventory: r.inventory,
  targets: r.targets,
  policyDigest: r.policy_digest,
  checkSet: r.check_set,
  exitCode: Number(r.exit_code),
});

/** Host statuses of a host that was checked (not unreachable, failed or never started). */
const CHECKED = "('ok', 'changed')";

async function deleteRuns(db: SqlDriver, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const marks = chunk.map(() => "?").join(", ");
    for (const table of ["ops_results", "ops_hosts"])
      await db.run(`DELETE FROM ${table} WHERE run_id IN (${marks})`, chunk);
    await db.run(`DELETE FROM ops_runs WHERE id IN (${marks})`, chunk);
  }
}

/** @example const store = sqlStore(await sqliteDriver(path)); await store.save(run); */
export function sqlStore(db: SqlDriver): HistoryStore {
  return {
    where: db.where,
    async save(run) {
      await db.transaction(async () => {
        await db.run(`INSERT INTO ops_runs (${RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
          run.id,
          run.startedAt,
          run.finishedAt,
          run.inventory,
          run.targets,
          JSON.stringify(run.policy),
          run.policyDigest,
          run.checkSet,
          run.exitCode,
        ]);
        const hosts = run.hosts.map((h, i) => [
          run.id,
          h.host,
          i,
          h.status,
          h.error ?? null,
          Math.round(h.ms),
          h.commands,
        ]);
        await insertMany(
          db,
          "INSERT INTO ops_hosts (run_id, host, seq, status, error, ms, commands)",
          7,
          hosts,
        );
        const results = run.hosts.flatMap((h) =>
          h.checks.map((c, i) => [run.id, h.host, c.id, i, c.status, c.severity ?? null, JSON.stringify(c)]),
        );
        const head = "INSERT INTO ops_results (run_id, host, check_id, seq, status, severity, record)";
        await insertMany(db, head, 7, results);
      });
    },
    async listRuns({ limit, inventory }) {
      const where = inventory === undefined ? "" : "WHERE inventory = ? ";
      const rows = await db.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM ops_runs ${where}ORDER BY started_at DESC, id DESC LIMIT ?`,
        inventory === undefined ? [limit] : [inventory, limit],
      );
      return rows.map(summaryOf);
    },
    async loadRuns(ids) {
      if (ids.length === 0) return [];
      const marks = ids.map(() => "?").join(", ");
      const runs = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM ops_runs WHERE id IN (${marks})`, ids);
      const hosts = await db.query<{
        run_id: string;
        host: string;
        status: string;
        error: string | null;
        ms: number | string;
        commands: number | string;
      }>(
        `SELECT run_id, host, status, error, ms, commands FROM ops_hosts WHERE run_id IN (${marks}) ORDER BY run_id, seq`,
        ids,
      );
      const results = await db.query<{ run_id: string; host: string; record: string }>(
        `SELECT run_id, host, record FROM ops_results WHERE run_id IN (${marks}) ORDER BY run_id, host, seq`,
        ids,
      );
      const checks = new Map<string, CheckRecord[]>();
      for (const r of results) {
        const key = `${r.run_id}\n${r.host}`;
        checks.set(key, [...(checks.get(key) ?? []), JSON.parse(r.record) as CheckRecord]);
      }
      const byId = new Map(
        runs.map((r): [string, ComplianceRun] => [
          r.id,
          { ...summaryOf(r), policy: JSON.parse(r.policy) as string[], hosts: [] },
        ]),
      );
      for (const h of hosts) {
        const record: HostRecord = {
          host: h.host,
          status: h.status as HostRecord["status"],
          ...(h.error !== null ? { error: h.error } : {}),
          ms: Number(h.ms),
          commands: Number(h.commands),
          checks: checks.get(`${h.run_id}\n${h.host}`) ?? [],
        };
        byId.get(h.run_id)?.hosts.push(record);
      }
      return ids.flatMap((id) => {
        const run = byId.get(id);
        return run ? [run] : [];
      });
    },
    async previousRunsOf(run) {
      const hosts = run.hosts.map((h) => h.host);
      if (hosts.length === 0) return new Map();
      // One query for every host: its newest checked run of this inventory and check set.
      const rows = await db.query<{ host: string; run_id: string }>(
        `SELECT host, run_id FROM (
           SELECT h.host AS host, r.id AS run_id,
                  ROW_NUMBER() OVER (PARTITION BY h.host ORDER BY r.started_at DESC, r.id DESC) AS n
           FROM ops_hosts h JOIN ops_runs r ON r.id = h.run_id
           WHERE r.inventory = ? AND r.check_set = ? AND r.id <> ? AND h.status IN ${CHECKED}
         ) t WHERE n = 1`,
        [run.inventory, run.checkSet, run.id],
      );
      const wanted = new Set(hosts);
      return new Map(rows.filter((r) => wanted.has(r.host)).map((r) => [r.host, r.run_id]));
    },
    async prune({ keepRuns, keepDays, now }) {
      if (keepRuns === undefined && keepDays === undefined) return 0;
      const rows = await db.query<{ id: string; started_at: string }>(
        "SELECT id, started_at FROM ops_runs ORDER BY started_at DESC, id DESC",
      );
      const oldest = keepDays === undefined ? undefined : new Date(now.getTime() - keepDays * 86_400_000);
      const doomed = rows
        .filter(
          (r, i) =>
            (keepRuns !== undefined && i >= keepRuns) ||
            (oldest !== undefined && new Date(r.started_at) < oldest),
        )
        .map((r) => r.id);
      if (doomed.length > 0) await db.transaction(() => deleteRuns(db, doomed));
      return doomed.length;
    },
    close: () => db.close(),
  };
}
