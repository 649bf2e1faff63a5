/**
 * Entry point of the policy service in its container (bundled into dist/policy/server.mjs):
 *   node server.mjs <policy.json> <storage root> <registry host:port> <registry metrics URL> [<state dir> [<port>]]
 * Listens on :9000 (or <port>; 0: any, the log line names it) on the compose project's backend network, where only nginx reaches it.
 * The state dir (its own volume) holds the webhook events not yet delivered; empty: memory only.
 */
import { createPolicyService } from "./server.js";

const [
  configFile = "/etc/ops-policy/policy.json",
  storageRoot = "/var/lib/registry",
  registry = "registry:5000",
  metricsUrl = "",
  stateDir = "",
  listenPort = "9000",
] = process.argv.slice(2);
const [host = "registry", port = "5000"] = registry.split(":");
const service = createPolicyService({
  configFile,
  storageRoot,
  registry: { host, port: Number(port) },
  registryMetricsUrl: metricsUrl,
  stateDir,
});
// Before listening: the events a previous run left are queued again, with their attempts so far.
const { restored, bad } = service.queue.restore();
if (restored > 0)
  process.stdout.write(`ops-policy: ${restored} webhook event(s) queued again from ${stateDir}\n`);
if (bad.length > 0)
  process.stderr.write(`ops-policy: removed ${bad.length} unreadable file(s) from ${stateDir}\n`);
service.server.keepAliveTimeout = 65_000;
service.server.listen(Number(listenPort), () => {
  const address = service.server.address();
  process.stdout.write(
    `ops-policy: listening on :${typeof address === "object" ? address?.port : listenPort}\n`,
  );
});
// On stop, attempts in flight are cut and nothing more is sent; events not delivered stay on disk.
const stop = (): void => {
  service.server.close();
  service.server.closeAllConnections();
  void service.queue.close();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
