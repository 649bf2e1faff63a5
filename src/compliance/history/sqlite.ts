/**
 * The embedded history: a SQLite file through better-sqlite3 (synchronous, in-process, no server).
 * WAL mode lets a report read while a scheduled run writes; a busy timeout rides out the moment
 * two processes write at once.
 */
import Database from "better-sqlite3";
import type { SqlDriver } from "./driver.js";

/** @example const db = sqliteDriver("/home/me/.local/state/ops/history.sqlite"); */
export function sqliteDriver(file: string): SqlDriver {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  const params = (p: readonly unknown[] = []) => p.map((v) => (typeof v === "boolean" ? Number(v) : v));
  return {
    where: file,
    execute: async (sql) => void db.exec(sql),
    query: async <T>(sql: string, p?: readonly unknown[]) => db.prepare(sql).all(...params(p)) as T[],
    run: async (sql, p) => void db.prepare(sql).run(...params(p)),
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      db.exec("BEGIN IMMEDIATE");
      try {
        const out = await work();
        db.exec("COMMIT");
        return out;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    },
    close: async () => void db.close(),
  };
}
