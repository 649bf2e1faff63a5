/**
 * Opens the history `--history` names: a SQLite file (the default lives in the user's state
 * directory) or a PostgreSQL URL. Opening brings the schema up to date. Anything wrong (a URL that
 * is not one, a server that does not answer, a path that cannot hold a database) is a ConfigError
 * naming `--history`, raised before any host is touched, so nothing is stored.
 */
import { mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../../errors.js";
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

function why(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code
    ? `${e.code}${e.message && !e.message.includes(e.code) ? ` (${e.message})` : ""}`
    : String(e.message ?? err);
}

async function driverFor(spec: string): Promise<SqlDriver> {
  if (isPostgres(spec)) {
    const { maskUrl, postgresDriver } = await import("./postgres.js");
    try {
      new URL(spec);
    } catch {
      throw new ConfigError(
        `'${maskUrl(spec)}' is not a PostgreSQL URL`,
        AT,
        "postgres://user@host:5432/database",
      );
    }
    try {
      return await postgresDriver(spec);
    } catch (err) {
      throw new ConfigError(
        `cannot open the history database ${maskUrl(spec)}: ${why(err)}`,
        AT,
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
 * @throws ConfigError naming --history
 */
export async function openHistory(spec: string): Promise<HistoryStore> {
  const db = await driverFor(spec);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw new ConfigError(`cannot use the history database ${db.where}: ${why(err)}`, AT);
  }
  return sqlStore(db);
}
