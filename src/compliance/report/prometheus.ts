/**
 * The Prometheus textfile of a compliance run, for node_exporter's textfile collector. Pure: a run
 * in, the exposition text out (write it with writeFileAtomic, so the collector never reads half a
 * file).
 *
 * A check's status is a label, one series per status with 1 on the current one (the enum pattern):
 * `not-applicable` and `error` are never counted as passing. The CIS id and level come from the
 * CIS table through the check's record. Every series carries an `inventory` label (the schedule's
 * name when a schedule runs it, else the inventory file), so the textfiles of several inventories
 * coexist in one node_exporter directory.
 */
import { STATUSES } from "../apply-waivers.js";
import { countRun, unchecked, type ComplianceRun } from "../run-record.js";

/** Label values escaped as the exposition format wants: backslash, double quote, newline. */
export const labelValue = (v: string): string =>
  v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${labelValue(v)}"`)
    .join(",")}}`;

/**
 * @example prometheusText(run) // "…ops_check_status{host=\"el9-1\",check=\"cis.2.2\",cis=\"2.2\",level=\"1\",severity=\"medium\",status=\"pass\"} 1\n…"
 */
export function prometheusText(run: ComplianceRun, inventoryLabel: string = run.inventory): string {
  const inv = { inventory: inventoryLabel };
  const out: string[] = [
    "# HELP ops_check_status Compliance check per host, one series per status: 1 on the check's status (pass, fail, error, waived, not-applicable), 0 on the others.",
    "# TYPE ops_check_status gauge",
  ];
  for (const h of run.hosts)
    for (const c of h.checks) {
      const base = {
        ...inv,
        host: h.host,
        check: c.id,
        cis: c.cis ?? "",
        level: c.level ?? "",
        severity: c.severity ?? "",
      };
      for (const s of STATUSES)
        out.push(`ops_check_status${labels({ ...base, status: s })} ${c.status === s ? 1 : 0}`);
    }
  out.push(
    "# HELP ops_check_waived Compliance check per host that fails but is waived.",
    "# TYPE ops_check_waived gauge",
  );
  for (const h of run.hosts)
    for (const c of h.checks.filter((x) => x.status === "waived"))
      out.push(
        `ops_check_waived${labels({ ...inv, host: h.host, check: c.id, expires: c.waiver?.expires ?? "" })} 1`,
      );
  out.push(
    "# HELP ops_check_waiver_expiry_timestamp_seconds When the waiver of a host's check ends (Unix time, the end of its last day in UTC); in the past for an expired one.",
    "# TYPE ops_check_waiver_expiry_timestamp_seconds gauge",
  );
  for (const h of run.hosts)
    for (const c of h.checks) {
      const expires = c.waiver?.expires;
      if (expires === undefined) continue;
      const end = Date.parse(`${expires}T00:00:00Z`) / 1000 + 86_400;
      if (Number.isFinite(end))
        out.push(
          `ops_check_waiver_expiry_timestamp_seconds${labels({ ...inv, host: h.host, check: c.id })} ${end}`,
        );
    }
  out.push(
    "# HELP ops_check_host_checked 1 when the host could be checked in the last run, 0 when not (unreachable, failed).",
    "# TYPE ops_check_host_checked gauge",
  );
  for (const h of run.hosts)
    out.push(`ops_check_host_checked${labels({ ...inv, host: h.host })} ${unchecked(h) ? 0 : 1}`);
  const counts = countRun(run);
  out.push(
    "# HELP ops_check_results Checks of the last run by status.",
    "# TYPE ops_check_results gauge",
    ...STATUSES.map((s) => `ops_check_results${labels({ ...inv, status: s })} ${counts[s]}`),
    "# HELP ops_check_last_run_timestamp_seconds When the last compliance run finished (Unix time).",
    "# TYPE ops_check_last_run_timestamp_seconds gauge",
    `ops_check_last_run_timestamp_seconds${labels(inv)} ${Math.floor(Date.parse(run.finishedAt) / 1000)}`,
    "# HELP ops_check_last_run_exit_code The exit code of the last compliance run (0 ok, 2 a host or a check could not be judged, 3 a check failed).",
    "# TYPE ops_check_last_run_exit_code gauge",
    `ops_check_last_run_exit_code${labels(inv)} ${run.exitCode}`,
  );
  return `${out.join("\n")}\n`;
}
