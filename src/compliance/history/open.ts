/**
 * Opens the history `--history` names: a SQLite file (the default lives in the user's state
 * directory) or a PostgreSQL URL. Opening brings the schema up to date. Bad local input (a URL that
 * is not one, a deadline that is not a number, a path that cannot hold a database) is a ConfigError
 * naming `--history` (exit 1); a PostgreSQL server that refuses, fails the startup or misses a
 * deadline is a PeerError naming the server without its password (exit 2, like a host that
 * fails). Either is raised before any host is touched, so nothing is stored.
 */
import { mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ConfigError, PeerError } from "../../errors.js";
import type { SqlDriver } from "./driver.js";
import { migrate } from "./migrations.js";
import { sqlStore, type HistoryStore } from "./sql-store.js";

/** `$XDG_STATE_HOME/ops`, else `~/.local/state/ops`: where ops keeps what it remembers. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return xdg && xdg.startsWith("/")
    ? join(xdg, "ops")
    : join(env.HOME ?? homedir(), ".local", "state", "ops");
}

/** The default SQLite history. */
export const defaultHistoryPath = (env: NodeJS.ProcessEnv = process.env): string =>
  join(stateDir(env), "history.sqlite");

const isPostgres = (spec: string) => /^postgres(ql)?:/i.test(spec);

const AT = { path: "--history" };

/** How a PostgreSQL server is named in errors: its URL, the password masked. */
const pgSource = (masked: string): string => `PostgreSQL at ${masked}`;

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code
    ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ""}`
    : String(e.message ?? err);
}

async function driverFor(spec: string): Promise<SqlDriver> {
  if (isPostgres(spec)) {
    const { maskUrl, pgTarget, postgresDriver } = await import("./postgres.js");
    let target: ReturnType<typeof pgTarget>;
    try {
      target = pgTarget(spec);
    } catch (err) {
      // new URL's TypeError says only "Invalid URL"; anything else (a deadline, a CA file) says what.
      const what =
        err instanceof TypeError
          ? "is not a PostgreSQL URL"
          : `cannot be used: ${String((err as Error).message)}`;
      throw new ConfigError(`'${maskUrl(spec)}' ${what}`, AT, "postgres://user@host:5432/database");
    }
    try {
      return await postgresDriver(target);
    } catch (err) {
      throw new PeerError(
        pgSource(maskUrl(spec)),
        `cannot open the history database (--history): ${why(err)}`,
        "check the server, the database and the user; a password goes in ~/.pgpass or PGPASSWORD",
      );
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec))
    throw new ConfigError(`'${spec}' is neither a file path nor a postgres:// URL`, AT);
  const file = resolve(spec);
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory())
      throw new ConfigError(`${file} is a directory, not a history database`, AT);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { sqliteDriver } = await import("./sqlite.js");
    return sqliteDriver(file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`cannot open the history database ${file}: ${why(err)}`, AT);
  }
}

/**
 * @example const store = await openHistory(opts.history ?? defaultHistoryPath());
 * @throws ConfigError naming --history (bad input), PeerError naming the PostgreSQL server (it failed)
 */
export async function openHistory(spec: string): Promise<HistoryStore> {
  const db = await driverFor(spec);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    // The schema's statements are ops's own: on PostgreSQL, one that fails is the server failing.
    if (isPostgres(spec))
      throw new PeerError(pgSource(db.where), `cannot use the history database (--history): ${why(err)}`);
    throw new ConfigError(`cannot use the history database ${db.where}: ${why(err)}`, AT);
  }
  return sqlStore(db);
}
