/**
 * Whether the registry host's own engine counts as an inventory host for the pull-through cache
 * when it reaches its own published port, which depends on how that engine publishes ports:
 *
 * - userland proxy on (Docker's default): what the host sends to its own address is DNATed with
 *   that address kept, which the allow list already holds. The compose network's gateway is then
 *   also the address docker-proxy relays IPv6 and loopback clients from, so it must not count.
 * - userland proxy off (`userland-proxy: false`, CIS 2.16, the `level1` preset): Docker's hairpin
 *   rule masquerades what the host sends to the gateway address. Without it in the allow list the
 *   host's own engine is refused by its own mirror. Containers on the host's other networks reach
 *   the port from that address too, as containers on every other inventory host reach it from
 *   their host's address.
 *
 * The gateway is known only inside nginx's container (start.sh writes it when nginx starts); this
 * file, written by each run from the engine's setting, includes it or not. The setting is read as
 * compliance check 2.16 reads it, in the host's one batch.
 */
import { boolSetting } from "../compliance/daemon-config.js";
import { configFacts, configOf } from "../compliance/checks/daemon-config-facts.js";
import type { FactSet } from "../facts/fact.js";
import { file } from "../resources/file.js";
import type { Resource } from "../resources/resource.js";
import { GATEWAY_CONF, NGINX_RELOAD } from "./stack.js";

/**
 * host-local.conf's text for an engine whose userland proxy is on (true) or off (false).
 *
 * @example hostLocalConf(false) // "# ...\ninclude /tmp/ops-host-gateway.conf;\n"
 */
export function hostLocalConf(userlandProxy: boolean): string {
  const head =
    "# Rendered by ops (deploy-registry) from the engine's userland-proxy setting; edits are overwritten.\n";
  return userlandProxy
    ? `${head}# The userland proxy is on: this host reaches its own port from its own address (in the allow list).\n`
    : `${head}# The userland proxy is off: this host reaches its own port from the compose network's gateway.\ninclude ${GATEWAY_CONF};\n`;
}

/** The engine's userland-proxy setting from the command line or daemon.json (default on). */
export function userlandProxyOf(facts: FactSet): boolean {
  return boolSetting(configOf(facts), "userland-proxy", "userland-proxy", true).value;
}

/** @example hostLocalClients("/opt/ops-registry") */
export function hostLocalClients(dir: string): Resource {
  return file({
    path: `${dir}/nginx/host-local.conf`,
    content: (facts) => hostLocalConf(userlandProxyOf(facts)),
    facts: configFacts,
    mode: "0644",
    owner: "root",
    group: "root",
    notify: [NGINX_RELOAD],
  });
}
