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

/**
 * Lines nginx could not have written (a truncated last line) are skipped, not fatal.
 *
 * @example parseAuditLog(await api.auditLog()).length
 */
export function parseAuditLog(text: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line) as AuditRecord);
    } catch {
      // a line being written while the log was read
    }
  }
  return out;
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
 * @example auditEvents(parseAuditLog(text), { user: "dev", action: "push", since: new Date(Date.now() - 3600e3) })
 */
export function auditEvents(records: readonly AuditRecord[], f: AuditFilter = {}): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const r of records) {
    const action = meaning(r, f.all === true);
    if (action === null) continue;
    const denied = REFUSED.has(r.status);
    if (f.failed === true && !denied) continue;
    const time = new Date(r.time);
    const user = r.user !== "" ? r.user : (r.login ?? "");
    if (f.user !== undefined && user !== f.user) continue;
    if (f.project !== undefined && r.project !== f.project) continue;
    if (f.action !== undefined && action !== f.action) continue;
    if (f.since !== undefined && time < f.since) continue;
    if (f.until !== undefined && time > f.until) continue;
    events.push({
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
    });
  }
  return events;
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
