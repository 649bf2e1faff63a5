/**
 * The audit trail nginx writes (one JSON object per request, see nginx.conf.ejs) read as events a
 * person asks about: pushes, pulls and deletes of manifests (the blob requests around them are
 * detail), and refusals; filtered by user, project, action and time. Pure.
 */
import { printable } from "../report/printable.js";

/** One line of nginx's `ops_audit` log format. */
export interface AuditRecord {
  time: string;
  service: string;
  user: string;
  action: string;
  kind: string;
  project: string;
  repository: string;
  reference: string;
  method: string;
  status: number;
  digest: string;
  client: string;
  /** The login name a credential carried, verified or not ("" without one). */
  login?: string;
  /** The Host the client asked for (the registry's name as it pulls by it). */
  host?: string;
}

/** What `--action` filters on; a failed or throttled login is "login". */
export type AuditAction = "push" | "pull" | "delete" | "login";

/** Statuses that are refusals: unauthenticated, denied, throttled. */
const REFUSED = new Set([401, 403, 429]);

export interface AuditEvent {
  readonly time: Date;
  /** "" for an anonymous pull; for a failed login, the name it tried. */
  readonly user: string;
  /** An AuditAction, or with `all` what nginx named the request (base, token, catalog, deny...). */
  readonly action: string;
  /** The request was refused (401, 403 or 429). */
  readonly denied: boolean;
  readonly project: string;
  readonly repository: string;
  readonly reference: string;
  readonly digest: string;
  readonly status: number;
  readonly client: string;
  readonly service: string;
}

export interface AuditFilter {
  readonly user?: string;
  readonly project?: string;
  readonly action?: AuditAction;
  readonly since?: Date;
  readonly until?: Date;
  /** Every request (blobs, HEADs, pings, tokens, the catalog, refusals of any kind). */
  readonly all?: boolean;
  /** Only refusals (failed and throttled logins among them). */
  readonly failed?: boolean;
}

const TEXT_FIELDS = [
  "service",
  "user",
  "action",
  "kind",
  "project",
  "repository",
  "reference",
  "method",
  "digest",
  "client",
] as const;

/** One line of the log: a record, what is wrong with it, or null for an empty line. */
export type AuditLine = { record: AuditRecord } | { problem: string; json: boolean } | null;

/**
 * Validates one line before anything uses it: a JSON object whose text fields are strings, whose
 * `status` is an HTTP status and whose `time` is a date. `json: false` marks a line that is not
 * JSON at all (the last one may be half written).
 *
 * @example readAuditLine('{"time":"x"}') // { problem: "'time' is not a date", json: true }
 */
export function readAuditLine(line: string): AuditLine {
  if (line.trim() === "") return null;
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { problem: "not JSON", json: false };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    return { problem: "not a JSON object", json: true };
  const o = doc as Record<string, unknown>;
  for (const f of TEXT_FIELDS)
    if (typeof o[f] !== "string")
      return { problem: o[f] === undefined ? `'${f}' is missing` : `'${f}' is not a string`, json: true };
  // Logs written before the login and host fields existed have none.
  for (const f of ["login", "host"])
    if (o[f] !== undefined && typeof o[f] !== "string")
      return { problem: `'${f}' is not a string`, json: true };
  if (typeof o.status !== "number" || !Number.isInteger(o.status) || o.status < 100 || o.status > 599)
    return { problem: "'status' is not an HTTP status", json: true };
  if (typeof o.time !== "string" || Number.isNaN(new Date(o.time).getTime()))
    return { problem: "'time' is not a date", json: true };
  return { record: o as unknown as AuditRecord };
}

/**
 * Reads a log line by line, holding no more than one line: records out, problems counted with the
 * first one's line number. A last line that is not JSON is one nginx was writing, not a problem.
 *
 * @example const r = new AuditReader(); for (const l of lines) { const rec = r.feed(l); ... } r.end();
 */
export class AuditReader {
  private line = 0;
  private pending: { line: number; problem: string } | undefined;
  bad = 0;
  first: { line: number; problem: string } | undefined;

  feed(text: string): AuditRecord | undefined {
    this.line++;
    if (this.pending) this.count(this.pending);
    this.pending = undefined;
    const read = readAuditLine(text);
    if (read === null) return undefined;
    if ("record" in read) return read.record;
    if (read.json) this.count({ line: this.line, problem: read.problem });
    else this.pending = { line: this.line, problem: read.problem };
    return undefined;
  }

  private count(p: { line: number; problem: string }): void {
    this.bad++;
    this.first ??= p;
  }

  /** The summary of what was not a record, or undefined when every line was one. */
  problems(): string | undefined {
    if (this.first === undefined) return undefined;
    return `${this.bad} line(s) of the audit log are not audit records (line ${this.first.line}: ${this.first.problem})`;
  }
}

/**
 * Records of a whole log held in memory (tests, small logs); `AuditReader` reads a stream.
 *
 * @example parseAuditLog(text).records.length
 */
export function parseAuditLog(text: string): { records: AuditRecord[]; problems: string | undefined } {
  const reader = new AuditReader();
  const records: AuditRecord[] = [];
  for (const line of text.split("\n")) {
    const r = reader.feed(line);
    if (r) records.push(r);
  }
  return { records, problems: reader.problems() };
}

/**
 * What a request means to a person, or null when it is detail (blobs, HEAD checks, pings). A
 * credential refused (401 with the login name it carried) or a login throttled (429) is a "login",
 * whatever it asked for.
 */
function meaning(r: AuditRecord, all: boolean): string | null {
  if ((r.status === 401 && (r.login ?? "") !== "") || r.status === 429) return "login";
  if (all) return r.action;
  const action = r.action === "push" || r.action === "pull" || r.action === "delete" ? r.action : null;
  if (action === null) return null;
  if (REFUSED.has(r.status)) return action;
  if (r.kind !== "manifest") return null;
  if (action === "push" && r.method === "PUT" && r.status === 201) return "push";
  if (action === "pull" && r.method === "GET" && r.status === 200) return "pull";
  if (action === "delete" && r.status === 202) return "delete";
  return null;
}

/**
 * The event a record is for a person, or null when it is detail or filtered out.
 *
 * @example auditEvent(record, { user: "dev", action: "push" })
 */
export function auditEvent(r: AuditRecord, f: AuditFilter = {}): AuditEvent | null {
  const action = meaning(r, f.all === true);
  if (action === null) return null;
  const denied = REFUSED.has(r.status);
  if (f.failed === true && !denied) return null;
  const time = new Date(r.time);
  const user = r.user !== "" ? r.user : (r.login ?? "");
  if (f.user !== undefined && user !== f.user) return null;
  if (f.project !== undefined && r.project !== f.project) return null;
  if (f.action !== undefined && action !== f.action) return null;
  if (f.since !== undefined && time < f.since) return null;
  if (f.until !== undefined && time > f.until) return null;
  return {
    time,
    user,
    action,
    denied,
    project: r.project,
    repository: r.repository,
    reference: r.reference,
    digest: r.digest,
    status: r.status,
    client: r.client,
    service: r.service,
  };
}

/**
 * @example auditEvents(parseAuditLog(text).records, { user: "dev", action: "push", since: new Date(Date.now() - 3600e3) })
 */
export function auditEvents(records: readonly AuditRecord[], f: AuditFilter = {}): AuditEvent[] {
  return records.flatMap((r) => auditEvent(r, f) ?? []);
}

/**
 * `--since 2h`, `--since 3d`, `--since 30m`, or an ISO date, relative to `now`.
 *
 * @example parseWhen("2h", now) // two hours before now
 */
export function parseWhen(text: string, now: Date): Date | null {
  const rel = /^(\d+)([smhd])$/.exec(text);
  if (rel?.[1] !== undefined && rel[2] !== undefined) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as "s" | "m" | "h" | "d"];
    return new Date(now.getTime() - Number(rel[1]) * unit * 1000);
  }
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A table a person reads: one line per event. @example write(formatAudit(auditEvents(records))) */
export function formatAudit(events: readonly AuditEvent[]): string {
  if (events.length === 0) return "no matching events\n";
  const rows = events.map((e) => [
    e.time.toISOString().replace(/\.\d{3}Z$/, "Z"),
    e.user === "" ? "(anonymous)" : e.user,
    `${e.denied ? "DENIED " : ""}${e.action}`,
    `${e.repository}${e.reference.startsWith("sha256:") ? "@" : ":"}${e.reference}`,
    e.digest === "" ? "-" : e.digest.slice(0, 19),
    String(e.status),
    e.client,
  ]);
  const head = ["TIME", "USER", "ACTION", "IMAGE", "DIGEST", "STATUS", "CLIENT"];
  return table([head, ...rows]);
}

/**
 * Left-aligned columns, two spaces apart; every cell through `printable` (registry data is a peer's).
 *
 * @example table([["A", "B"], ["x", "y"]]) // "A  B\nx  y\n"
 */
export function table(cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map((c) => printable(c)));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return (
    rows
      .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  "))
      .join("\n") + "\n"
  );
}
