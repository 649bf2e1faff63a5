/**
 * A private registry: none, one that exists (trusted as insecure, or through its CA in certs.d,
 * read from a file here), or one deploy-registry stands up on a chosen host (offered only when this
 * ops has deploy-registry). The answer becomes variables, a group, and a command to run.
 */
import { REGISTRY_ENDPOINT } from "../registry/trust.js";
import type { Ask, Choice } from "./ask.js";
import type { VarSetting } from "./vars-doc.js";
import { askRegistryAccounts, type AccountsContext, type RegistryAccounts } from "./registry-accounts.js";

export type RegistryKind = "none" | "existing" | "deploy";

export interface RegistryResult {
  kind: RegistryKind;
  vars: VarSetting[];
  /** Inventory name of the host deploy-registry runs on. */
  deployHost?: string;
  /** Accounts, project and how their passwords are kept, for the registry deployed. */
  accounts?: RegistryAccounts;
}

export interface RegistryContext {
  /** deploy-registry is a built-in playbook of this ops. */
  canDeploy: boolean;
  /**
   * Reads a CA certificate file on this machine: its PEM, or an Error saying what is wrong. Given
   * when install-engine can trust a registry's CA (certs.d); without it that choice is disabled.
   */
  readCa?: (path: string) => string;
  /** Names of the hosts going into the inventory. */
  hostNames: readonly string[];
  /** Where the inventory goes, for the deployed registry's accounts (asked only when given). */
  accounts?: AccountsContext;
}

/**
 * Question ids `registry.kind`, `registry.address`, `registry.trust`, `registry.ca`, `registry.host`,
 * and for a registry deployed those of registry-accounts.ts.
 *
 * @example await registryStep(ask, { canDeploy: false, hostNames: ["el9-1"] })
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
    if (!ctx.accounts) return { kind, vars: [], deployHost: host };
    const accounts = await askRegistryAccounts(ask, ctx.accounts);
    const vars: VarSetting[] =
      accounts.hostname === ""
        ? []
        : [
            {
              name: "registry_hostname",
              value: accounts.hostname,
              comment: "the registry's name (asked in ops init)",
            },
          ];
    return { kind, vars, deployHost: host, accounts };
  }
  const address = await ask.text("registry.address", {
    message: "Its address (host:port, e.g. harbor.internal:443 or 10.0.0.9:5000)",
    validate: (v) => new RegExp(REGISTRY_ENDPOINT).test(v) || "host:port, without http://",
  });
  const trust = await ask.choose("registry.trust", {
    message: `How do the engines trust ${address}?`,
    choices: [
      { value: "insecure", name: "insecure-registries (plain HTTP, or a certificate nobody signed)" },
      {
        value: "ca",
        name: "its CA certificate (/etc/docker/certs.d)",
        ...(ctx.readCa ? {} : { disabled: "install-engine has no variable for a registry CA" }),
      },
    ],
    default: "insecure",
  });
  if (trust === "ca" && ctx.readCa) {
    const readCa = ctx.readCa;
    // The file is read once, by the validation; the accepted answer's PEM is kept from it.
    const read = new Map<string, string>();
    const path = await ask.text("registry.ca", {
      message: `Path of ${address}'s CA certificate (PEM) on this machine`,
      validate: (v) => {
        try {
          read.set(v, readCa(v));
          return true;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
    });
    const pem = read.get(path) ?? readCa(path);
    return {
      kind,
      vars: [
        {
          name: "registry_ca_certs",
          value: { [address]: pem },
          comment: `the CA of ${address}, read from ${path} (asked in ops init); engines trust it through certs.d`,
        },
      ],
    };
  }
  const vars: VarSetting[] = [
    {
      name: "insecure_registries",
      value: [address],
      comment: `the registry ${address}, trusted without TLS checks (asked in ops init)`,
    },
  ];
  return { kind, vars };
}
