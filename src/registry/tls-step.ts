/**
 * deploy-registry's run-wide `before` step, on the control machine, once per run: finds the
 * registry host(s) among the targets, and makes or loads the TLS material each needs (ops's CA
 * beside the inventory and a server certificate naming the registry, or the user's own pair).
 * Every host's resources read its output: the registry host its certificate and key, engine hosts
 * the endpoint and the CA they must trust.
 */
import { isIP } from "node:net";
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import { ConfigError } from "../errors.js";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CA_CERT_FILE, opsCaMaterial, ownCertMaterial, type TlsMaterial } from "./ca-store.js";
import type { PlaybookHost, RunStep, RunStepContext, StepTarget } from "../playbook.js";
import type { ServerNames } from "./x509.js";

export const TLS_STEP = "registry-tls";

/** One registry as every host of the run sees it. */
export interface RegistryEndpoint {
  /** Inventory name of the host that runs it; null when it is not among this run's targets. */
  readonly host: string | null;
  /** `name:port` engines use. */
  readonly endpoint: string;
  /** `name:port` of the pull-through cache, when enabled. */
  readonly proxyEndpoint: string | null;
  readonly tls: boolean;
  /** The CA engines trust (certs.d); null for plain HTTP or a publicly trusted certificate. */
  readonly caPem: string | null;
  /** The server's certificate and key (only for its own host's resources); null for plain HTTP. */
  readonly server: { readonly certPem: string; readonly keyPem: string } | null;
}

export interface TlsOutput {
  readonly registries: readonly RegistryEndpoint[];
}

/** The name engines use: registry_hostname, else the address ops connects to. @example registryName(vars, host) // "10.0.0.5" */
export function registryName(vars: DeployRegistryVars, host: PlaybookHost): string {
  return vars.registry_hostname !== "" ? vars.registry_hostname : host.address;
}

/**
 * The SANs a server certificate needs: the name engines use and the host's address.
 *
 * @example serverNames({ ...vars, registry_hostname: "reg.lan" }, host) // { dns: ["reg.lan"], ips: ["10.0.0.5"] }
 */
export function serverNames(vars: DeployRegistryVars, host: PlaybookHost): ServerNames {
  const all = [...new Set([registryName(vars, host), host.address])];
  return { dns: all.filter((n) => isIP(n) === 0), ips: all.filter((n) => isIP(n) !== 0) };
}

async function endpointOf(
  t: StepTarget<DeployRegistryVars>,
  ctx: RunStepContext<DeployRegistryVars>,
  now: Date,
): Promise<RegistryEndpoint> {
  const v = t.vars;
  const name = registryName(v, t.host);
  const names = serverNames(v, t.host);
  let material: TlsMaterial | null = null;
  if (v.registry_tls && v.registry_state === "present") {
    material =
      v.registry_tls_cert_file !== ""
        ? ownCertMaterial({
            certFile: v.registry_tls_cert_file,
            keyFile: v.registry_tls_key_file,
            caFile: v.registry_tls_ca_file,
            baseDir: ctx.inventoryDir,
            names,
            now,
          })
        : await opsCaMaterial({
            dir: v.registry_ca_dir !== "" ? v.registry_ca_dir : ctx.inventoryDir,
            host: t.host.name,
            names,
            days: v.registry_cert_days,
            renewDays: v.registry_cert_renew_days,
            check: ctx.check,
            now,
          });
    ctx.secret(material.keyPem);
  }
  return {
    host: t.host.name,
    ...endpoints(v, name),
    caPem: material?.caPem ?? null,
    server: material === null ? null : { certPem: material.certPem, keyPem: material.keyPem },
  };
}

function endpoints(
  v: DeployRegistryVars,
  name: string,
): Pick<RegistryEndpoint, "endpoint" | "proxyEndpoint" | "tls"> {
  const proxy = v.registry_proxy_cache;
  return {
    endpoint: `${name}:${v.registry_port}`,
    proxyEndpoint: proxy.enabled === true ? `${name}:${proxy.port ?? 5443}` : null,
    tls: v.registry_tls,
  };
}

/**
 * A run limited to engine hosts (`--limit engines`): the registry is known by registry_hostname,
 * and its CA is read from where the registry's own runs keep it; nothing is made.
 */
function remoteRegistry(ctx: RunStepContext<DeployRegistryVars>): RegistryEndpoint {
  const first = ctx.targets[0];
  const v = first?.vars;
  if (v === undefined || v.registry_hostname === "") {
    const group = v?.registry_group ?? "registry";
    throw new ConfigError(
      `no host of group '${group}' is among the targets, and registry_hostname is not set: engines cannot know which registry to trust`,
      {},
      `include the registry host in --limit, or set registry_hostname (the name engines use for it)`,
    );
  }
  let caPem: string | null = null;
  if (v.registry_tls) {
    const own = v.registry_tls_cert_file !== "";
    const file = own
      ? v.registry_tls_ca_file
      : join(v.registry_ca_dir !== "" ? v.registry_ca_dir : ctx.inventoryDir, CA_CERT_FILE);
    if (file !== "") {
      const path = resolve(ctx.inventoryDir, file);
      if (!existsSync(path)) {
        throw new ConfigError(
          `the registry's CA ${path} does not exist`,
          { file: path },
          "run deploy-registry on the registry host first: it makes the CA",
        );
      }
      caPem = readFileSync(path, "utf8");
    }
  }
  return { host: null, ...endpoints(v, v.registry_hostname), caPem, server: null };
}

/**
 * @example const out = (await registryTlsStep.run(ctx)) as TlsOutput; out.registries[0].endpoint // "10.0.0.5:443"
 */
export const registryTlsStep: RunStep<DeployRegistryVars> = {
  name: TLS_STEP,
  when: "before",
  // --check and verify need the endpoint and CA too; in check mode nothing is written (ca-store.ts).
  readOnly: true,
  async run(ctx): Promise<TlsOutput> {
    const now = new Date();
    const registries = ctx.targets.filter((t) => t.host.groups.includes(t.vars.registry_group));
    if (registries.length === 0) return { registries: [remoteRegistry(ctx)] };
    return { registries: await Promise.all(registries.map((t) => endpointOf(t, ctx, now))) };
  },
};

/** The step's output as a host's resources read it (an error if the runner did not run it). @example tlsOutput(run.outputs).registries */
export function tlsOutput(outputs: Readonly<Record<string, unknown>>): TlsOutput {
  const out = outputs[TLS_STEP] as TlsOutput | undefined;
  if (out === undefined) throw new Error(`run step ${TLS_STEP} did not run`);
  return out;
}
