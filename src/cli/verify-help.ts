/** The text under `ops verify --help`: what is checked, the output formats, the exit codes. */
export const VERIFY_HELP = `
Runs the checks of the chosen playbooks (-p, repeatable; install-engine by default), all of a
host's checks in one round trip. install-engine's checks: engine.active, engine.enabled,
engine.info, engine.versions, config.registry-mirrors, config.insecure-registries (against
registry_mirrors and insecure_registries, as install-engine applies them), image.pull
(verify_image, default busybox), network.bridge, network.host, network.none,
network.container, volume.named, volume.bind, volume.volumes-from. Everything the checks create
on a host is named ops-verify-<runid>-... and removed afterwards, also after a failure or a signal.

Output: pretty (live on a terminal: a line per host in flight, each host's checks when it is
done), json (one event per line; the last, run-done, holds every host's result with its
checks: {id, status, message, expected, actual, hint, evidence: {command, outputTail}}),
junit (a testsuite per host, a testcase per check).

Exit codes:
  0    every check passed on every host
  1    usage or configuration error (nothing ran)
  2    a check did not pass, or a host failed, was unreachable or did not start
  130  interrupted (Ctrl-C, SIGTERM, SIGHUP, or the output closed); what the checks
       created was removed
  70   a bug in ops
`;
