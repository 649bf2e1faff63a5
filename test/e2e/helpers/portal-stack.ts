/**
 * The registry portal's lab: `ops run deploy-registry` over SSH on el9-1 (the portal on by default,
 * the policy service beside nginx), accounts in every role, content pushed the way docker, buildx
 * and cosign push it, and a browser profile whose certificate store trusts the registry's CA (an
 * NSS database, as Chromium on Linux reads it), so the browser checks the registry's certificate.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { send, type Credentials, type Endpoint } from "../../../src/registry/http.js";
import { hostExec, labUp, readLab, recreateHost, type LabInfo } from "../../lab/lab.js";
import { $ } from "../../lab/sh.js";
import { ops, type OpsResult } from "./ops-cli.js";
import { PASSWORDS, registryVars, writeRegistryInventory } from "./registry.js";

export type PortalUser = "root" | "dev" | "guest" | "keeper";
export const PORTAL_PASSWORDS: Record<PortalUser, string> = PASSWORDS;
export const who = (u: PortalUser): Credentials => ({ user: u, password: PORTAL_PASSWORDS[u] });

/**
 * The registry scenario's accounts and projects (`team` with every role, `pub` public), plus `secret`
 * (keeper's) and `big`, of 1,000 repositories (dev's); no proxy cache (the portal does not show it).
 */
export function portalVars(lab: LabInfo): Record<string, unknown> {
  const { registry_proxy_cache: _cache, ...vars } = registryVars(lab) as {
    registry_projects: unknown[];
    registry_proxy_cache: unknown;
  };
  return {
    ...vars,
    registry_projects: [
      ...vars.registry_projects,
      { name: "secret", members: [{ user: "keeper", role: "maintainer" }] },
      { name: "big", members: [{ user: "dev", role: "developer" }] },
    ],
  };
}

export interface PortalLab {
  readonly host: string;
  readonly dir: string;
  readonly inventory: string;
  readonly ep: Endpoint;
  /** https://<the registry host's address> */
  readonly url: string;
  readonly caPem: string;
  /** A HOME whose NSS database trusts the registry's CA (Chromium's certificate store on Linux). */
  readonly browserHome: string;
  /** The variables the registry was first deployed with (a fresh copy). */
  vars(): Record<string, unknown>;
  /** deploy-registry again with other variables (the same inventory otherwise). */
  redeploy(vars: Record<string, unknown>): Promise<OpsResult>;
}

const ok = (r: OpsResult): OpsResult => {
  if (r.code !== 0) throw new Error(`ops exited ${r.code}: ${r.stderr}\n${r.stdout.slice(-3000)}`);
  return r;
};

/** A fresh el9-1 with the engine and the registry as deploy-registry stands it up. */
export async function deployPortalLab(): Promise<PortalLab> {
  await labUp({ el9: 3 });
  const lab = readLab();
  const host = lab.hosts.find((h) => h.name === "el9-1");
  if (host === undefined) throw new Error("the portal's lab needs el9-1");
  await recreateHost(host.name);
  const dir = mkdtempSync(join(tmpdir(), "ops-e2e-portal-"));
  const write = (vars: Record<string, unknown>): string => writeRegistryInventory(lab, dir, vars, [host]);
  const inventory = write(portalVars(lab));
  ok(await ops(["run", "install-engine", "-i", inventory, "--output", "json"]));
  ok(await ops(["run", "deploy-registry", "-i", inventory, "--output", "json"]));
  const caPem = readFileSync(join(dir, "ops-registry-ca.crt"), "utf8");
  const browserHome = join(dir, "browser-home");
  const nss = join(browserHome, ".pki/nssdb");
  await $`mkdir -p ${nss}`;
  await $`certutil -d sql:${nss} -N --empty-password`;
  await $`certutil -d sql:${nss} -A -t C,, -n ops-registry-ca -i ${join(dir, "ops-registry-ca.crt")}`;
  const url = `https://${host.address}`;
  return {
    host: host.name,
    dir,
    inventory,
    ep: { url: `${url}:443`, ca: caPem },
    url,
    caPem,
    browserHome,
    vars: () => portalVars(lab),
    redeploy: async (vars) => {
      write(vars);
      return ops(["run", "deploy-registry", "-i", inventory, "--output", "json"]);
    },
  };
}

/**
 * `count` repositories `<project>/repo-NNNN` on the registry host, each a real copy of `from`'s
 * storage (tags, revisions, layer links; the blobs are shared, as a registry shares them): what
 * pushing the same image to `count` repositories stores, in seconds.
 */
export async function cloneRepositories(
  host: string,
  from: string,
  project: string,
  count: number,
): Promise<void> {
  const repos = "/var/lib/ops-registry/registry/docker/registry/v2/repositories";
  await hostExec(
    host,
    `cd ${repos} && for i in $(seq 0 ${count - 1}); do cp -a ${from} ${project}/repo-$(printf %04d "$i"); done`,
  );
}

/** A login attempt with a name that is markup: nginx writes it into the audit log as `login`. */
export async function hostileLogin(ep: Endpoint, name: string): Promise<number> {
  return (await send(ep, "GET", "/v2/", { credentials: { user: name, password: "x" } })).status;
}
