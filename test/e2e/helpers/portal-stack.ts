/**
 * The registry portal's test stack: the stack ops renders (nginx, Distribution, the policy service
 * with the portal's sessions and per-project catalog, the portal's files) running on this machine's
 * engine as compose runs it, and content pushed the way docker, buildx and cosign push it.
 */
import { cpSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { registryModel, type RegistryModel } from "../../../src/registry/model.js";
import { send, type Credentials, type Endpoint } from "../../../src/registry/http.js";
import { renderStack } from "../../../src/registry/stack.js";
import { createCa, signServer } from "../../../src/registry/x509.js";
import { startLocalStack, type LocalStack } from "../../unit/registry/support/local-stack.js";
import { SAMPLE_VARS, sampleSpec, varsWith } from "../../unit/registry/support/sample.js";
import { policyServerSource } from "../../../src/registry/policy-bundle.js";
import { policyConfig } from "../../../src/registry/policy-config.js";

export type PortalUser = "root" | "dev" | "guest" | "keeper";
export const PORTAL_PASSWORDS = Object.fromEntries(
  SAMPLE_VARS.registry_users.map((u) => [u.name, u.password]),
) as Record<PortalUser, string>;
export const who = (u: PortalUser): Credentials => ({ user: u, password: PORTAL_PASSWORDS[u] });

/** The unit tests' sample registry (`team` with every role, `pub` public, `secret`) and `big`, of 1,000 repositories. */
export const PORTAL_VARS = {
  ...SAMPLE_VARS,
  registry_projects: [
    ...SAMPLE_VARS.registry_projects,
    { name: "big", members: [{ user: "dev", role: "developer" as const }] },
  ],
};

export interface PortalStack {
  readonly stack: LocalStack;
  readonly model: RegistryModel;
  readonly ep: Endpoint;
  /** https://<nginx address> */
  readonly url: string;
  remove(): Promise<void>;
}

export async function startPortalStack(): Promise<PortalStack> {
  const model = registryModel(PORTAL_VARS);
  const now = new Date();
  const ca = await createCa("portal CA", now);
  const tls = await signServer(ca, { dns: ["registry.test"], ips: [] }, now, 30);
  // The policy service as deploy-registry ships it (dist/policy/server.mjs, which holds the portal's
  // routes), with the rules the portal's variables make.
  const vars = varsWith({ ...PORTAL_VARS, registry_portal: true });
  const spec = sampleSpec({
    serverName: "registry.test",
    proxyCache: null,
    policy: {
      server: policyServerSource(),
      config: `${JSON.stringify(policyConfig(vars))}\n`,
      secret: false,
      metrics: { port: 0, allow: [] },
    },
    policyAddress: undefined,
  });
  const stack = await startLocalStack(renderStack(spec, model, tls), model.accounts);
  return {
    stack,
    model,
    ep: { url: `https://${stack.nginxAddress}`, ca: ca.certPem, servername: "registry.test" },
    url: `https://${stack.nginxAddress}`,
    remove: () => stack.remove(),
  };
}

/**
 * `count` repositories `<project>/repo-NNNN`, each a real copy of `from`'s storage (its tags, revisions
 * and layer links; the blobs are shared, as a registry shares them): what pushing the same image to
 * `count` repositories stores, in a second.
 */
export function cloneRepositories(stack: LocalStack, from: string, project: string, count: number): string[] {
  const repos = join(stack.root, "data/registry/docker/registry/v2/repositories");
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${project}/repo-${String(i).padStart(4, "0")}`;
    mkdirSync(join(repos, name), { recursive: true });
    for (const part of readdirSync(join(repos, from)))
      cpSync(join(repos, from, part), join(repos, name, part), { recursive: true });
    names.push(name);
  }
  return names;
}

/** A login attempt with a name that is markup: nginx writes it into the audit log as `login`. */
export async function hostileLogin(ep: Endpoint, name: string): Promise<number> {
  return (await send(ep, "GET", "/v2/", { credentials: { user: name, password: "x" } })).status;
}
