/** A registry as a team would declare it, for the registry's unit tests. */
import {
  deployRegistryVariables,
  type DeployRegistryVars,
} from "../../../../playbooks/deploy-registry.vars.js";
import { registryModel, type RegistryModel } from "../../../../src/registry/model.js";
import type { StackSpec } from "../../../../src/registry/stack.js";

export const SAMPLE_VARS = {
  registry_retention: 0,
  registry_users: [
    { name: "root", password: "root-pass-1", admin: true },
    { name: "dev", password: "dev-pass-1" },
    { name: "guest", password: "guest-pass-1" },
    { name: "keeper", password: "keeper-pass-1" },
    { name: "ci", password: "robot-pass-1", robot: true },
  ],
  registry_projects: [
    {
      name: "team",
      members: [
        { user: "dev", role: "developer" as const },
        { user: "guest", role: "guest" as const },
        { user: "keeper", role: "maintainer" as const },
        { user: "robot$ci", role: "developer" as const },
      ],
      retention: 2,
    },
    { name: "pub", public: true, members: [{ user: "dev", role: "developer" as const }] },
    { name: "secret", members: [{ user: "keeper", role: "maintainer" as const }] },
  ],
};

export const sampleModel = (): RegistryModel => registryModel(SAMPLE_VARS);

export function sampleSpec(over: Partial<StackSpec> = {}): StackSpec {
  return {
    dir: "/opt/ops-registry",
    dataDir: "/var/lib/ops-registry",
    tls: true,
    port: 443,
    serverName: "registry.lan",
    images: { registry: "registry:2.8.3", nginx: "nginx:1.27-alpine", policy: "node:22-alpine" },
    policy: null,
    proxyCache: {
      port: 5443,
      remoteUrl: "http://hub.lan:5000",
      username: "",
      password: "",
      public: false,
      members: ["guest"],
      allow: ["127.0.0.1", "10.9.0.0/24"],
    },
    gcSchedule: "Sun 03:00",
    portal: true,
    // No policy service in these tests: nginx must still start (the portal e2e test runs the real one).
    policyAddress: "127.0.0.1:9000",
    ...over,
  };
}

/** deploy-registry's variables with every default, then `over` on top. */
export function varsWith(over: Partial<DeployRegistryVars> = {}): DeployRegistryVars {
  const defaults = Object.fromEntries(
    Object.entries(deployRegistryVariables.properties).map(([k, s]) => [
      k,
      structuredClone((s as unknown as { default: unknown }).default),
    ]),
  ) as DeployRegistryVars;
  return { ...defaults, ...over };
}
