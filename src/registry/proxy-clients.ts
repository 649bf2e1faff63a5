/**
 * Who may pull through the pull-through cache without logging in: every host of the inventory
 * (engines use the cache as a `registry-mirrors` entry, and dockerd sends a mirror no credentials),
 * whether or not `--limit` left them out of this run, plus `registry_proxy_cache.allow`. A run-wide
 * step on the control machine; each run writes the list anew, so a host removed from the inventory
 * loses anonymous access at the next run. Names are resolved here, as the registry host would see
 * the engines connect from those addresses.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import { ConfigError } from "../errors.js";
import type { RunStep, RunStepContext } from "../playbook.js";

export const PROXY_CLIENTS_STEP = "registry-proxy-clients";

export interface ProxyClients {
  /** Addresses and CIDRs nginx's `geo` lets pull anonymously, sorted, without duplicates. */
  readonly allow: readonly string[];
}

/**
 * The addresses of `hosts` (names resolved with `resolve`) and the `extra` entries.
 *
 * @example await proxyClients(["10.0.0.5", "db.lan"], ["10.8.0.0/24"], lookupAll) // { allow: [...] }
 */
export async function proxyClients(
  hosts: readonly string[],
  extra: readonly string[],
  resolve: (name: string) => Promise<string[]>,
): Promise<ProxyClients> {
  const out = new Set(extra);
  for (const h of hosts) {
    if (isIP(h) !== 0) {
      out.add(h);
      continue;
    }
    let addresses: string[];
    try {
      addresses = await resolve(h);
    } catch (err) {
      throw new ConfigError(
        `cannot resolve inventory host '${h}' for the proxy cache's allow list: ${err instanceof Error ? err.message : String(err)}`,
        {},
        "give the host an ansible_host address, or add its address to registry_proxy_cache.allow",
      );
    }
    for (const a of addresses) out.add(a);
  }
  return { allow: [...out].sort() };
}

const lookupAll = async (name: string): Promise<string[]> =>
  (await lookup(name, { all: true })).map((a) => a.address);

export const proxyClientsStep: RunStep<DeployRegistryVars> = {
  name: PROXY_CLIENTS_STEP,
  when: "before",
  readOnly: true,
  async run(ctx: RunStepContext<DeployRegistryVars>): Promise<ProxyClients> {
    const hosts = ctx.inventoryHosts ?? ctx.targets.map((t) => t.host);
    const extra = ctx.targets.flatMap((t) => t.vars.registry_proxy_cache.allow ?? []);
    const enabled = ctx.targets.some((t) => t.vars.registry_proxy_cache.enabled === true);
    if (!enabled) return { allow: [] };
    return proxyClients(
      hosts.map((h) => h.address),
      extra,
      lookupAll,
    );
  },
};

/** The step's output as a host's resources read it. @example proxyClientsOutput(run.outputs).allow */
export function proxyClientsOutput(outputs: Readonly<Record<string, unknown>>): ProxyClients {
  const out = outputs[PROXY_CLIENTS_STEP] as ProxyClients | undefined;
  if (out === undefined) throw new Error(`run step ${PROXY_CLIENTS_STEP} did not run`);
  return out;
}
