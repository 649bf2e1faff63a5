/**
 * The Docker engine module: what is Docker's own in installing and running an engine (daemon.json
 * merged as data, the reload/restart handlers with their rollback, the service and its proof, the
 * host preflight and the last "does it answer"). The generic resources it builds on (file,
 * service, packages, rollback) know no Docker; install-engine and deploy-registry import from here.
 */
export { daemonJson, RELOADABLE_KEYS, type DaemonJsonOptions } from "./daemon-json.js";
export {
  DAEMON_JSON,
  DOCKER_RELOAD,
  DOCKER_RESTART,
  DOCKER_UNIT,
  DOCKER_VERIFY,
  dockerHandlers,
  type DockerHandlerOptions,
} from "./handlers.js";
export { dockerService } from "./service.js";
export { engineCheck, type EngineCheckOptions } from "./engine-check.js";
export { preflight, type PreflightOptions } from "./preflight.js";
