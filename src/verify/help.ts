/** The text under `ops verify --help`: what is checked, the output formats, the exit codes. */
export const VERIFY_HELP = `
Checks, per host: engine.active, engine.enabled, engine.info, engine.versions,
config.registry-mirrors, config.insecure-registries (against registry_mirrors and
insecure_registries, as for install-engine), image.pull (verify_image, default busybox),
network.bridge, network.host, network.none, network.container, volume.named,
volume.bind, volume.volumes-from. Everything verify creates on a host is named
ops-verify-<runid>-... and removed afterwards, also after a failure or Ctrl-C.

Output: pretty (default), json (one JSON document: {runId, startedAt, ms, ok,
hosts: [{host, status, checks: [{id, status, message, expected, actual, hint,
evidence: {command, outputTail}}]}]}), junit (a testsuite per host, a testcase per check).

Exit codes:
  0    every check passed on every host
  1    usage or configuration error (nothing ran)
  2    a host failed a check or was unreachable (the others were still verified)
  130  interrupted (Ctrl-C); leftovers of the run were removed
`;
