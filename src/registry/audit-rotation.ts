/**
 * The audit log's rotation on the registry host: a script (size-based, N files kept, nginx reopens
 * its log) and a systemd timer every 10 minutes. Pure: settings in, files out. `ops registry audit`
 * reads the rotated files too, oldest first (nginx serves the folder's listing to system admins).
 */
import { renderTemplate } from "../resources/render.js";
import { quote } from "../transport/quote.js";
import { SYSTEMD_DIR, type StackFile } from "./stack.js";

export const AUDIT_TIMER = "ops-registry-audit.timer";
export const AUDIT_SERVICE = "ops-registry-audit.service";
/** Handler that reloads systemd and restarts the rotation timer after its units changed. */
export const AUDIT_TIMER_RESTART = "registry-audit-timer-restart";
export const AUDIT_UNITS = [`${SYSTEMD_DIR}/${AUDIT_TIMER}`, `${SYSTEMD_DIR}/${AUDIT_SERVICE}`];

export interface AuditRotation {
  /** Rotate once audit.log holds more than this many MiB. */
  readonly maxMb: number;
  /** Rotated files kept (audit.log.1 .. audit.log.N). */
  readonly keep: number;
}

/** @example auditRotationFiles({ dir: "/opt/ops-registry", dataDir: "/var/lib/ops-registry" }, { maxMb: 100, keep: 10 }) */
export function auditRotationFiles(
  where: { readonly dir: string; readonly dataDir: string },
  rotation: AuditRotation,
): StackFile[] {
  const notify = [AUDIT_TIMER_RESTART];
  return [
    {
      path: `${where.dir}/audit-rotate.sh`,
      content: renderTemplate("registry/audit-rotate.sh.ejs", {
        dir: where.dir,
        dataDir: where.dataDir,
        maxBytes: rotation.maxMb * 1024 * 1024,
        keep: rotation.keep,
        quote,
      }),
      mode: "0755",
    },
    {
      path: `${SYSTEMD_DIR}/${AUDIT_SERVICE}`,
      content: renderTemplate("registry/ops-registry-audit.service.ejs", {
        dir: where.dir,
        keep: rotation.keep,
      }),
      mode: "0644",
      notify,
    },
    {
      path: `${SYSTEMD_DIR}/${AUDIT_TIMER}`,
      content: renderTemplate("registry/ops-registry-audit.timer.ejs", {}),
      mode: "0644",
      notify,
    },
  ];
}
