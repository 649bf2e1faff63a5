/**
 * A config file applied to a systemd service, and undone when the service does not come back.
 *
 * The step that writes the file leaves `FILE.ops-prev` (the previous file, when there was one) and
 * `FILE.ops-pending` (this config is not proven yet): see `markPendingLines`. The step that starts
 * or restarts the service proves it (`proven`) or rolls it back (`roll_back`). Only a pending config
 * is rolled back, so an old ops-prev never replaces a config that already worked. The Docker
 * engine's daemon.json uses it (src/engine/); any service with a config file may.
 */
import { quote } from "../transport/quote.js";

export const PREV_SUFFIX = ".ops-prev";
export const PENDING_SUFFIX = ".ops-pending";

export interface RollbackOptions {
  /** The systemd unit. */
  readonly unit: string;
  /** The config file to roll back; null: nothing to roll back. */
  readonly config: string | null;
  /** Trusted shell from the playbook that succeeds once the service answers. */
  readonly verify: string;
  /** How long to wait for `verify`, default 30 seconds. */
  readonly timeoutSeconds?: number;
}

/**
 * Lines for an atomic write's `beforeMove` (with `$p` the file): remember what to roll back to;
 * a stale ops-prev must not survive a file that is new.
 *
 * @example atomicWriteScript({ path, ..., beforeMove: markPendingLines() })
 */
export function markPendingLines(): string[] {
  return [
    `if [ -e "$p" ]; then cp -p -- "$p" "$p${PREV_SUFFIX}"; echo prev >"$p${PENDING_SUFFIX}";`,
    `else rm -f -- "$p${PREV_SUFFIX}"; echo new >"$p${PENDING_SUFFIX}"; fi`,
  ];
}

/**
 * Defines `$p`, `$unit`, `answers` (bounded wait for verify), `engine_log` and `roll_back MSG`.
 *
 * @example [...rollbackFunctions({ unit: "nginx", config: "/etc/nginx/nginx.conf", verify: "nginx -t" }), "systemctl restart nginx || roll_back 'restart failed'"].join("\n")
 */
export function rollbackFunctions(o: RollbackOptions): string[] {
  const limit = o.timeoutSeconds ?? 30;
  return [
    // With no config to manage, $p is empty and its pending marker can never exist.
    `p=${o.config === null ? "''" : quote(o.config)}`,
    `unit=${quote(o.unit)}`,
    "verify_once() {",
    `  if command -v timeout >/dev/null 2>&1; then timeout 10 sh -c ${quote(o.verify)}; else sh -c ${quote(o.verify)}; fi`,
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
    '    printf \'%s; %s and restarted %s. %s said:\\n%s\\n\' "$1" "$what" "$unit" "$unit" "$log" >&2',
    "  else",
    '    printf \'%s. %s said:\\n%s\\n\' "$1" "$unit" "$log" >&2',
    "  fi",
    "  exit 1",
    "}",
    // The new config works: it is no longer pending; ops-prev stays as the backup.
    `proven() { if [ -n "$p" ]; then rm -f -- "$p${PENDING_SUFFIX}"; fi; }`,
  ];
}
