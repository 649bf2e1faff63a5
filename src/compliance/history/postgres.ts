/**
 * History in PostgreSQL, for a team that shares one: the same schema and statements as SQLite, on
 * one connection (pg). The password comes from the URL, PGPASSWORD or ~/.pgpass; `where` never
 * shows it.
 *
 * The server is a peer: whatever it does, ops finishes. Connecting, each query and the whole session
 * have deadlines (PG_LIMITS; the URL's `connect_timeout`, `query_timeout` and `total_timeout`, in
 * seconds, change them), and on any failure or close the socket is destroyed, so a server that
 * answers the startup with an error and keeps the connection open cannot keep the process alive.
 */
import type { Socket } from "node:net";
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

/** Deadlines in milliseconds: connecting, one query, and the whole session (a history run's work). */
export interface PgLimits {
  readonly connectMs: number;
  readonly queryMs: number;
  readonly totalMs: number;
}

/** Documented in docs/COMPLIANCE.md (history): 10 s to connect, 60 s a query, 10 min in all. */
export const PG_LIMITS: PgLimits = { connectMs: 10_000, queryMs: 60_000, totalMs: 600_000 };

const PARAMS = { connect_timeout: "connectMs", query_timeout: "queryMs", total_timeout: "totalMs" } as const;

/**
 * The URL without ops's deadline parameters, and the deadlines (seconds in the URL, as libpq's
 * `connect_timeout`); a value that is not a positive number is refused.
 *
 * @example pgLimits("postgres://db/ops?connect_timeout=3").limits.connectMs === 3000
 */
export function pgLimits(url: string): { url: string; limits: PgLimits } {
  const u = new URL(url);
  const limits: Record<keyof PgLimits, number> = { ...PG_LIMITS };
  for (const [param, key] of Object.entries(PARAMS)) {
    const v = u.searchParams.get(param);
    if (v === null) continue;
    const n = Number(v);
    if (!(n > 0 && n <= 86_400)) throw new Error(`${param}=${v} is not a number of seconds from 1 to 86400`);
    limits[key] = n * 1000;
    u.searchParams.delete(param);
  }
  return { url: u.toString(), limits };
}

/** pg keeps its socket on `connection.stream`, untyped: reached here only to destroy it. */
const socketOf = (client: pg.Client): Socket | undefined =>
  (client as unknown as { connection?: { stream?: Socket } }).connection?.stream;

/** A client built from the URL, not yet connected: nothing was sent. */
export interface PgTarget {
  readonly client: pg.Client;
  readonly url: string;
  readonly limits: PgLimits;
}

/**
 * Reads the URL and builds its client without sending anything, so what fails here is local input
 * (a malformed URL, a deadline that is not a number, an sslrootcert that cannot be read).
 *
 * @example pgTarget("postgres://ops@db.lan/ops?connect_timeout=3").limits.connectMs === 3000
 */
export function pgTarget(spec: string): PgTarget {
  const { url, limits } = pgLimits(spec);
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: limits.connectMs,
    query_timeout: limits.queryMs,
  });
  return { client, url, limits };
}

/**
 * @example const db = await postgresDriver(pgTarget("postgres://ops@db.lan/ops"));
 * @throws the connection's error when the server cannot be reached, refuses, or misses a deadline
 */
export async function postgresDriver(target: PgTarget | string): Promise<SqlDriver> {
  const { client, url, limits } = typeof target === "string" ? pgTarget(target) : target;
  // A server that drops the connection later must not crash ops: the next query fails instead.
  client.on("error", () => undefined);
  const kill = () => socketOf(client)?.destroy();
  // The whole session's deadline: the socket goes, so whatever waits on it fails at once.
  const total = setTimeout(kill, limits.totalMs);
  total.unref();
  try {
    await client.connect();
    // Tables, indexes and constraints of ops's history live in the connection's schema; notices off.
    await client.query("SET client_min_messages = warning");
  } catch (err) {
    // pg leaves the socket open when the server answers the startup with an error: close it here.
    clearTimeout(total);
    kill();
    throw err;
  }
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
    async close() {
      clearTimeout(total);
      // A polite goodbye, but never a wait on a server that does not read it.
      const ended = client.end().catch(() => undefined);
      const bounded = new Promise<void>((r) => setTimeout(r, 2_000).unref());
      await Promise.race([ended, bounded]);
      kill();
    },
  };
}
