/**
 * What every `ops registry` command needs, from the inventory alone: the registry host (the one of
 * `registry_group`), its endpoint, the CA ops made for it, the account to act as (`--as`, else
 * the first system admin) with its password from the inventory's secret variables. Nothing is
 * read from argv but names; no password is ever printed.
 */
import { dirname, resolve } from "node:path";
import { deployRegistryVariables, type DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import { builtinVariableNames } from "../../playbooks/index.js";
import { ConfigError } from "../errors.js";
import type { VariablesSchema } from "../playbook.js";
import { controlEndpoint } from "../registry/control-endpoint.js";
import { RegistryApi, type RegistryLimits } from "../registry/api.js";
import type { Endpoint } from "../registry/http.js";
import { registryModel, type RegistryModel } from "../registry/model.js";
import { resolveTargets } from "../run/targets.js";
import { keyringFrom, type VaultCliOptions } from "./vault-options.js";

export interface RegistryCliOptions extends VaultCliOptions {
  inventory: string;
  limit?: string;
  extraVars: string[];
  /** The account to act as (`--as`); default the first system admin. */
  as?: string;
  output: "pretty" | "json";
  /** Bounds of every request (seconds, bytes, pages); defaults DEFAULT_REGISTRY_LIMITS. */
  timeout?: number;
  idleTimeout?: number;
  maxBytes?: number;
  maxPages?: number;
}

/** The registry client's bounds from the options given; a --timeout or --max-bytes covers the audit log too. */
export function limitsOf(opts: RegistryCliOptions): Partial<RegistryLimits> {
  return {
    ...(opts.timeout !== undefined
      ? { deadlineMs: opts.timeout * 1000, auditDeadlineMs: opts.timeout * 1000 }
      : {}),
    ...(opts.idleTimeout !== undefined ? { idleMs: opts.idleTimeout * 1000 } : {}),
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes, auditMaxBytes: opts.maxBytes } : {}),
    ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}),
  };
}

export interface RegistryContext {
  readonly host: string;
  readonly vars: DeployRegistryVars;
  readonly model: RegistryModel;
  readonly endpoint: Endpoint;
  /** The registry as `docker` names it: `host:port`. */
  readonly name: string;
  api(): RegistryApi;
}

/** @example const ctx = await registryContext({ inventory: "hosts.yaml", extraVars: [], output: "pretty" }) */
export async function registryContext(opts: RegistryCliOptions): Promise<RegistryContext> {
  const vault = keyringFrom(opts);
  const { targets } = await resolveTargets({
    vault,
    inventoryFile: opts.inventory,
    limit: opts.limit,
    extraVars: opts.extraVars,
    schema: deployRegistryVariables as unknown as VariablesSchema,
    // A shared inventory holds install-engine's variables too: known names, not typos.
    known: await builtinVariableNames(),
  }).finally(() => vault.dispose());
  const target = targets.find((t) => t.host.groups.includes(String(t.vars.registry_group)));
  if (target === undefined) {
    throw new ConfigError(
      "no host of the registry group in the inventory",
      { file: opts.inventory },
      "put the registry host in group 'registry' (or set registry_group)",
    );
  }
  const vars = target.vars as DeployRegistryVars;
  const model = registryModel(vars);
  const { name, endpoint } = controlEndpoint(
    vars,
    target.host.connection.address,
    dirname(resolve(opts.inventory)),
  );
  const account =
    opts.as !== undefined
      ? model.accounts.find((a) => a.name === opts.as)
      : model.accounts.find((a) => a.admin);
  return {
    host: target.host.name,
    vars,
    model,
    endpoint,
    name,
    api() {
      if (account === undefined) {
        throw new ConfigError(
          opts.as !== undefined
            ? `no account '${opts.as}' in registry_users`
            : "registry_users has no system admin",
          { file: opts.inventory, path: "registry_users" },
          opts.as !== undefined ? undefined : "mark one account `admin: true`, or choose one with --as",
        );
      }
      return new RegistryApi(
        endpoint,
        { user: account.name, password: account.password },
        target.host.name,
        limitsOf(opts),
      );
    },
  };
}
