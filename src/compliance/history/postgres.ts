/**
 * History in PostgreSQL, for a team that shares one: the same schema and statements as SQLite, on
 * one connection (pg). The password comes from the URL, PGPASSWORD or ~/.pgpass; `where` never
 * shows it.
 */
import pg from "pg";
import type { SqlDriver } from "./driver.js";

/** The URL with its password replaced, for messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (the store's SQL has no `?` in literals). */
export const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * @example const db = await postgresDriver("postgres://ops@db.lan/ops");
 * @throws the connection's error when the server cannot be reached or refuses
 */
export async function postgresDriver(url: string): Promise<SqlDriver> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  // A server that drops the connection later must not crash ops: the next query fails instead.
  client.on("error", () => undefined);
  await client.connect();
  // Tables, indexes and constraints of ops's history live in the connection's schema; notices off.
  await client.query("SET client_min_messages = warning");
  return {
    where: maskUrl(url),
    execute: async (sql) => void (await client.query(sql)),
    query: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await client.query(numbered(sql), [...params])).rows as T[],
    run: async (sql, params = []) => void (await client.query(numbered(sql), [...params])),
    async transaction<T>(work: () => Promise<T>): Promise<T> {
      await client.query("BEGIN");
      try {
        const out = await work();
        await client.query("COMMIT");
        return out;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    },
    close: () => client.end(),
  };
}
