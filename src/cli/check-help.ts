/** The text under `ops check --help`: what is checked, what is kept, the exit codes. */
export const CHECK_HELP = `
Read-only on the hosts, one round trip each: drift (install-engine's plan in check mode; each
resource with steps left fails with the step as evidence) and the CIS Docker Benchmark v1.6 checks
the policy selects (ops check --list). Without --policy the shipped policies/default.yaml applies
(CIS level 1). Waivers (--waivers) turn a failure into "waived" until their expiry date.

Every run is stored in history: a SQLite file under $XDG_STATE_HOME/ops (default
~/.local/state/ops/history.sqlite), or --history PATH, or --history postgres://user@host/db (the
password from ~/.pgpass or PGPASSWORD). --report-dir writes report.html (a standalone page),
report.json, junit.xml and ops_check.prom (node_exporter's textfile collector), each atomically.
--notify URL posts a JSON message when something newly failed or was fixed since the run before.

  ops check history [--inventory F] [--runs N] [--all]   newly failing, fixed since when, the trend
  ops check diff [RUN_A [RUN_B]]                          what changed between two runs (default: the last two)

Exit codes:
  0    every check passed, is waived or does not apply
  1    usage or configuration error: inventory, policy, waivers, history (nothing ran, nothing stored)
  2    a host could not be checked (unreachable, failed), or the run could not be stored or reported
  3    a check failed (drift or baseline) and is not waived
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP): nothing stored
  70   a bug in ops
`;
