/**
 * A private registry: none, one that exists (trusted as insecure, or through its CA when
 * install-engine can do that), or one deploy-registry stands up on a chosen host (offered only when
 * this ops has deploy-registry). The answer becomes variables, a group, and a command to run.
 */
import type { Ask, Choice } from "./ask.js";
import type { VarSetting } from "./vars-doc.js";

export type RegistryKind = "none" | "existing" | "deploy";

export interface RegistryResult {
  kind: RegistryKind;
  vars: VarSetting[];
  /** Inventory name of the host deploy-registry runs on. */
  deployHost?: string;
}

export interface RegistryContext {
  /** deploy-registry is a built-in playbook of this ops. */
  canDeploy: boolean;
  /** install-engine has a variable to trust a registry's CA (certs.d). */
  canTrustCa: boolean;
  /** Names of the hosts going into the inventory. */
  hostNames: readonly string[];
}

/**
 * Question ids `registry.kind`, `registry.address`, `registry.trust`, `registry.host`.
 *
 * @example await registryStep(ask, { canDeploy: false, canTrustCa: false, hostNames: ["el9-1"] })
 */
export async function registryStep(ask: Ask, ctx: RegistryContext): Promise<RegistryResult> {
  const kinds: Choice<RegistryKind>[] = [
    { value: "none", name: "none (Docker Hub or the mirrors above)" },
    { value: "existing", name: "one that already runs (Harbor, a registry:2 ...)" },
    {
      value: "deploy",
      name: "deploy one on one of these hosts",
      ...(ctx.canDeploy ? {} : { disabled: "deploy-registry is not in this version of ops" }),
    },
  ];
  const kind = await ask.choose("registry.kind", {
    message: "A private registry?",
    choices: kinds,
    default: "none",
  });
  if (kind === "none") return { kind, vars: [] };
  if (kind === "deploy") {
    const host = await ask.choose("registry.host", {
      message: "Which host runs the registry?",
      choices: ctx.hostNames.map((n) => ({ value: n, name: n })),
      ...(ctx.hostNames[0] ? { default: ctx.hostNames[0] } : {}),
    });
    return { kind, vars: [], deployHost: host };
  }
  const address = await ask.text("registry.address", {
    message: "Its address (host:port, e.g. harbor.internal:443 or 10.0.0.9:5000)",
    validate: (v) => /^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(v) || "host:port, without http://",
  });
  const trust = await ask.choose("registry.trust", {
    message: `How do the engines trust ${address}?`,
    choices: [
      { value: "insecure", name: "insecure-registries (plain HTTP, or a certificate nobody signed)" },
      {
        value: "ca",
        name: "its CA certificate (/etc/docker/certs.d)",
        ...(ctx.canTrustCa ? {} : { disabled: "install-engine has no variable for a registry CA yet" }),
      },
    ],
    default: "insecure",
  });
  const vars: VarSetting[] =
    trust === "insecure"
      ? [
          {
            name: "insecure_registries",
            value: [address],
            comment: `the registry ${address}, trusted without TLS checks (asked in ops init)`,
          },
        ]
      : [];
  return { kind, vars };
}
