/**
 * The registry's compose project on its host, through the generic compose resources: checked
 * before anything changes, brought up (then nginx reloaded, as a recreated registry may have
 * another address), or taken down for `registry_state: absent`, keeping the data unless --yes.
 */
import type { Handler, Resource } from "../resources/resource.js";
import { composePreflight, composeProject, type ComposeNaming } from "../resources/compose.js";
import { composeAbsent } from "../resources/compose-absent.js";
import { quote } from "../transport/quote.js";
import { COMPOSE_PROJECT, NGINX_CONF_IN_CONTAINER as NGINX_CONF, NGINX_RELOAD } from "./stack.js";

const REGISTRY: ComposeNaming = { project: COMPOSE_PROJECT, what: "the registry" };

export interface RegistryPreflightOptions {
  /** Host ports the stack publishes. */
  readonly ports: readonly number[];
}

/**
 * Fails the host at plan time, before any step runs, when Docker or compose is missing or a port
 * the stack publishes is taken by something else.
 *
 * @example registryPreflight({ ports: [443, 5443] })
 */
export function registryPreflight(o: RegistryPreflightOptions): Resource {
  return {
    ...composePreflight({
      ...REGISTRY,
      ports: o.ports,
      portVariables: "registry_port / registry_proxy_cache.port",
    }),
    id: "registry:preflight",
  };
}

export interface StackOptions {
  readonly dir: string;
  /** Service -> the `ops.config-hash` its container must carry. */
  readonly services: Readonly<Record<string, string>>;
}

/** Reloads nginx inside its container, after `nginx -t` accepts the new files. */
function nginxReloadScript(dir: string): string {
  return [
    "set -e",
    `cd ${quote(dir)}`,
    // Not running (the first up failed, or it is being recreated): it reads the files when it starts.
    'if [ -z "$(docker compose ps -q --status running nginx)" ]; then echo "nginx is not running; nothing to reload"; exit 0; fi',
    `docker compose exec -T nginx nginx -t -q -c ${NGINX_CONF}`,
    `docker compose exec -T nginx nginx -c ${NGINX_CONF} -s reload`,
  ].join("\n");
}

/** @example registryHandlers("/opt/ops-registry") */
export function registryHandlers(dir: string): Handler[] {
  return [
    {
      name: NGINX_RELOAD,
      step: {
        description: "check nginx's config and reload it (the registry keeps running)",
        script: nginxReloadScript(dir),
      },
    },
  ];
}

/**
 * @example registryStack({ dir: "/opt/ops-registry", services: { registry: "ab12…", nginx: "cd34…" } })
 */
export function registryStack(o: StackOptions): Resource {
  return composeProject({
    ...REGISTRY,
    dir: o.dir,
    services: o.services,
    // nginx resolved the registry's address when it loaded; a recreated registry may have another.
    afterUp: [`docker compose exec -T nginx nginx -c ${NGINX_CONF} -s reload`],
  });
}

export interface AbsentOptions {
  readonly dir: string;
  readonly dataDir: string;
  /** --yes: the data goes too. */
  readonly removeData: boolean;
  /** Unit files to remove with the stack (the GC timer). */
  readonly units: readonly string[];
}

/**
 * `registry_state: absent`: the containers and network go, the project folder goes, the data stays
 * unless --yes.
 *
 * @example registryAbsent({ dir: "/opt/ops-registry", dataDir: "/var/lib/ops-registry", removeData: false, units: [] })
 */
export function registryAbsent(o: AbsentOptions): Resource {
  return composeAbsent({ ...REGISTRY, ...o });
}
