/**
 * Shell functions that apply a new daemon.json and undo it when the engine does not come back.
 *
 * The daemon-json step leaves `daemon.json.ops-prev` (the previous file, when there was one) and
 * `daemon.json.ops-pending` (this config is not proven yet). Only a pending config is rolled back,
 * so an old ops-prev never replaces a config that already worked.
 */
import { quote } from "../transport/quote.js";

export const DAEMON_JSON = "/etc/docker/daemon.json";
export const PREV_SUFFIX = ".ops-prev";
export const PENDING_SUFFIX = ".ops-pending";

export interface RollbackOptions {
  /** The systemd unit, default "docker". */
  readonly unit?: string;
  /** The daemon.json to roll back, default /etc/docker/daemon.json; null: nothing to roll back. */
  readonly daemonJson?: string | null;
  /** Trusted shell from the playbook that succeeds once the service answers; default `docker info`. */
  readonly verify?: string;
  /** How long to wait for `verify`, default 30 seconds. */
  readonly timeoutSeconds?: number;
}

/**
 * Defines `$p`, `$unit`, `answers` (bounded wait for verify), `engine_log` and `roll_back MSG`.
 *
 * @example [...rollbackFunctions({}), "systemctl restart docker || roll_back 'restart failed'"].join("\n")
 */
export function rollbackFunctions(o: RollbackOptions): string[] {
  const verify = o.verify ?? "docker info";
  const limit = o.timeoutSeconds ?? 30;
  return [
    // With no daemon.json to manage, $p is empty and its pending marker can never exist.
    `p=${o.daemonJson === null ? "''" : quote(o.daemonJson ?? DAEMON_JSON)}`,
    `unit=${quote(o.unit ?? "docker")}`,
    "verify_once() {",
    `  if command -v timeout >/dev/null 2>&1; then timeout 10 sh -c ${quote(verify)}; else sh -c ${quote(verify)}; fi`,
    "}",
    "answers() {",
    "  i=0",
    `  while [ "$i" -lt ${Math.max(1, Math.floor(limit))} ]; do`,
    "    if verify_once >/dev/null 2>&1; then return 0; fi",
    "    i=$((i + 1)); sleep 1",
    "  done",
    "  return 1",
    "}",
    "engine_log() {",
    '  journalctl -u "$unit" -n 20 --no-pager 2>/dev/null || systemctl status "$unit" --no-pager 2>&1 | tail -n 20',
    "}",
    "roll_back() {",
    "  log=$(engine_log)",
    `  if [ -n "$p" ] && [ -e "$p${PENDING_SUFFIX}" ]; then`,
    `    if [ -e "$p${PREV_SUFFIX}" ]; then mv -f -- "$p${PREV_SUFFIX}" "$p"; what="restored the previous $p"`,
    '    else rm -f -- "$p"; what="removed the new $p"; fi',
    `    rm -f -- "$p${PENDING_SUFFIX}"`,
    '    systemctl reset-failed "$unit" >/dev/null 2>&1 || true',
    '    systemctl restart "$unit" >/dev/null 2>&1 || true',
    '    printf \'%s; %s and restarted %s. The engine said:\\n%s\\n\' "$1" "$what" "$unit" "$log" >&2',
    "  else",
    '    printf \'%s. The engine said:\\n%s\\n\' "$1" "$log" >&2',
    "  fi",
    "  exit 1",
    "}",
    // The new config works: it is no longer pending; ops-prev stays as the backup.
    `proven() { if [ -n "$p" ]; then rm -f -- "$p${PENDING_SUFFIX}"; fi; }`,
  ];
}
