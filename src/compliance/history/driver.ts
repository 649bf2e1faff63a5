/**
 * The little a history store needs from a SQL database, so SQLite and PostgreSQL share one store
 * (sql-store.ts), one schema and one set of migrations. SQL is written with `?` placeholders; the
 * PostgreSQL driver numbers them.
 */
export interface SqlDriver {
  /** What the store is, for messages (a password in a URL is masked). */
  readonly where: string;
  /** Statements without parameters (DDL), in order. */
  execute(sql: string): Promise<void>;
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Runs `work` in one transaction: all of it is stored, or none. */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
