/**
 * Entry point of the policy service in its container (bundled into dist/policy/server.mjs):
 *   node server.mjs <policy.json> <storage root> <registry host:port> <registry metrics URL>
 * Listens on :9000 on the compose project's backend network, where only nginx reaches it.
 */
import { createPolicyService } from "./server.js";

const [
  configFile = "/etc/ops-policy/policy.json",
  storageRoot = "/var/lib/registry",
  registry = "registry:5000",
  metricsUrl = "",
] = process.argv.slice(2);
const [host = "registry", port = "5000"] = registry.split(":");
const service = createPolicyService({
  configFile,
  storageRoot,
  registry: { host, port: Number(port) },
  registryMetricsUrl: metricsUrl,
});
service.server.keepAliveTimeout = 65_000;
service.server.listen(9000, () => process.stdout.write("ops-policy: listening on :9000\n"));
// Pending webhook retries are dropped on stop (their timers do not hold the process).
const stop = (): void => {
  service.queue.close();
  service.server.close();
  service.server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
