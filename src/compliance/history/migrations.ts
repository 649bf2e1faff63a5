/**
 * The history schema, as migrations applied in order (both SQLite and PostgreSQL run the same SQL).
 * A database records the version it is at; opening a store brings it up to date in one transaction.
 * Add a migration at the end; never edit one that has shipped.
 */
import type { SqlDriver } from "./driver.js";

export const MIGRATIONS: readonly (readonly string[])[] = [
  // 1: runs, hosts and check results.
  [
    `CREATE TABLE IF NOT EXISTS ops_runs (
      id TEXT PRIMARY KEY,
      started_at TEXT NOT NULL,
      finished_at TEXT NOT NULL,
      inventory TEXT NOT NULL,
      policy TEXT NOT NULL,
      exit_code INTEGER NOT NULL
    )`,
    `CREATE TABLE IF NOT EXISTS ops_hosts (
      run_id TEXT NOT NULL REFERENCES ops_runs(id) ON DELETE CASCADE,
      host TEXT NOT NULL,
      seq INTEGER NOT NULL,
      status TEXT NOT NULL,
      error TEXT,
      ms INTEGER NOT NULL,
      commands INTEGER NOT NULL,
      PRIMARY KEY (run_id, host)
    )`,
    `CREATE TABLE IF NOT EXISTS ops_results (
      run_id TEXT NOT NULL REFERENCES ops_runs(id) ON DELETE CASCADE,
      host TEXT NOT NULL,
      check_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      status TEXT NOT NULL,
      severity TEXT,
      record TEXT NOT NULL,
      PRIMARY KEY (run_id, host, check_id)
    )`,
    "CREATE INDEX IF NOT EXISTS ops_runs_started ON ops_runs (started_at)",
    "CREATE INDEX IF NOT EXISTS ops_results_check ON ops_results (host, check_id)",
  ],
  // 2: "not applicable" is its own verdict, no longer a pass reported "n/a".
  [
    `UPDATE ops_results SET status = 'not-applicable',
      record = REPLACE(REPLACE(record, '"status":"n/a"', '"status":"not-applicable"'), '"verdict":"pass"', '"verdict":"not-applicable"')
      WHERE status = 'n/a'`,
  ],
  // 3: what a run looked at and by which rules: the hosts asked for (--limit), the policy's digest
  // and the check set, so a host is compared with its own previous run of the same checks.
  [
    "ALTER TABLE ops_runs ADD COLUMN targets TEXT NOT NULL DEFAULT 'all'",
    "ALTER TABLE ops_runs ADD COLUMN policy_digest TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE ops_runs ADD COLUMN check_set TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS ops_hosts_host ON ops_hosts (host, run_id)",
  ],
];

/** The version a database is at: 0 for a new one. */
async function versionOf(db: SqlDriver): Promise<number> {
  await db.execute("CREATE TABLE IF NOT EXISTS ops_schema (version INTEGER NOT NULL)");
  const rows = await db.query<{ version: number | string }>("SELECT version FROM ops_schema");
  return rows.length === 0 ? 0 : Number(rows[0]?.version ?? 0);
}

/**
 * Applies the migrations a database has not seen; returns the version it is at afterwards.
 *
 * @throws Error when the database is newer than this ops (it was written by a later version)
 */
export async function migrate(db: SqlDriver): Promise<number> {
  return db.transaction(async () => {
    const at = await versionOf(db);
    if (at > MIGRATIONS.length)
      throw new Error(`the history database is at schema version ${at}; this ops knows ${MIGRATIONS.length}`);
    for (const statements of MIGRATIONS.slice(at)) for (const sql of statements) await db.execute(sql);
    if (at === 0) await db.run("INSERT INTO ops_schema (version) VALUES (?)", [MIGRATIONS.length]);
    else if (at < MIGRATIONS.length) await db.run("UPDATE ops_schema SET version = ?", [MIGRATIONS.length]);
    return MIGRATIONS.length;
  });
}
