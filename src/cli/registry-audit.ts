/** `ops registry audit`: pushes, pulls, deletes and refusals from nginx's JSON log, filtered. */
import { ConfigError, PeerError } from "../errors.js";
import {
  AuditReader,
  auditEvent,
  formatAudit,
  parseWhen,
  type AuditAction,
  type AuditEvent,
} from "../registry/audit.js";
import { registryContext, type RegistryCliOptions } from "./registry-context.js";
import { printableJson } from "../report/printable.js";

export interface AuditCliOptions extends RegistryCliOptions {
  /** Only this account's events. */
  user?: string;
  project?: string;
  action?: AuditAction;
  since?: string;
  until?: string;
  all: boolean;
  failed?: boolean;
}

function when(text: string | undefined, option: string, now: Date): Date | undefined {
  if (text === undefined) return undefined;
  const d = parseWhen(text, now);
  if (d === null)
    throw new ConfigError(`${option} '${text}' is neither a duration (30m, 2h, 7d) nor a date`, {
      path: option,
    });
  return d;
}

/** @example await registryAudit({ ...opts, user: "dev", since: "2h", all: false }, write) */
export async function registryAudit(opts: AuditCliOptions, write: (t: string) => void): Promise<number> {
  const now = new Date();
  const since = when(opts.since, "--since", now);
  const until = when(opts.until, "--until", now);
  const ctx = await registryContext(opts);
  const filter = {
    ...(opts.user !== undefined ? { user: opts.user } : {}),
    ...(opts.project !== undefined ? { project: opts.project } : {}),
    ...(opts.action !== undefined ? { action: opts.action } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    all: opts.all,
    failed: opts.failed === true,
  };
  const api = ctx.api();
  // The log is read as a stream: one line in memory at a time; JSON output is written as it comes.
  // The rotated files first, oldest first, then the one nginx writes: events in time order.
  const reader = new AuditReader();
  const events: AuditEvent[] = [];
  for (const part of [...(await api.auditParts()), undefined]) {
    for await (const line of await api.auditLines(part)) {
      const record = reader.feed(line);
      const event = record && auditEvent(record, filter);
      if (!event) continue;
      if (opts.output === "json") write(`${printableJson(event)}\n`);
      else events.push(event);
    }
  }
  if (opts.output !== "json") write(formatAudit(events));
  const problems = reader.problems();
  if (problems !== undefined) throw new PeerError(api.source, problems);
  return 0;
}
