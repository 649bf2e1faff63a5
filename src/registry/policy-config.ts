/**
 * What the policy service is told (its policy.json), from deploy-registry's variables: the accounts
 * that expire, each project's immutable tag patterns and quota, the webhooks. Also whether the stack
 * needs the service at all: without any of these (and without metrics), the stack stays as it was.
 * Pure.
 */
import type { DeployRegistryVars } from "../../playbooks/deploy-registry.vars.js";
import type { PolicyConfig } from "./policy/config.js";
import { accountName, expiresAt } from "./model.js";

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/**
 * Bytes of a size the schema accepted.
 *
 * @example sizeBytes("1.5GiB") === 1610612736
 */
export function sizeBytes(size: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$/.exec(size.trim());
  const unit = UNITS[m?.[2] ?? "x"];
  if (m === null || unit === undefined) throw new Error(`not a size: ${size}`);
  return Math.floor(Number(m[1]) * unit);
}

export type PolicyVars = Pick<
  DeployRegistryVars,
  "registry_users" | "registry_projects" | "registry_webhooks" | "registry_metrics" | "registry_portal"
>;

/** @example policyConfig(vars).projects[0] // { name: "team", immutable: ["v*"], quota: 1073741824 } */
export function policyConfig(vars: PolicyVars): PolicyConfig {
  return {
    accounts: vars.registry_users
      .filter((u) => u.expires !== undefined)
      .map((u) => ({ name: accountName(u), expires: expiresAt(u.expires ?? "") })),
    projects: vars.registry_projects
      .filter((p) => (p.immutable_tags ?? []).length > 0 || p.quota !== undefined)
      .map((p) => ({
        name: p.name,
        immutable: p.immutable_tags ?? [],
        quota: p.quota === undefined ? null : sizeBytes(p.quota),
      })),
    webhooks: vars.registry_webhooks.map((w) => ({ ...w })),
  };
}

/** The stack runs the policy service when something needs it. */
export function policyNeeded(vars: PolicyVars): boolean {
  const c = policyConfig(vars);
  return (
    c.accounts.length > 0 ||
    c.projects.length > 0 ||
    c.webhooks.length > 0 ||
    (vars.registry_metrics.port ?? 0) > 0 ||
    // The portal's sessions and per-project catalog are the service's.
    vars.registry_portal
  );
}
