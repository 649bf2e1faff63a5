/**
 * Accounts with an expiry date (Harbor's robot accounts): refused from the instant of their expiry,
 * by the service, with no run needed; the next run also removes them from the htpasswd file. Pure.
 */
import type { PolicyConfig } from "./config.js";

export type AccountVerdict = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/**
 * @example accountVerdict(cfg, "robot$ci", Date.now()) // { ok: false, detail: "robot$ci expired at ..." }
 */
export function accountVerdict(config: PolicyConfig, name: string, now: number): AccountVerdict {
  const account = config.accounts.find((a) => a.name === name);
  if (account === undefined || now < account.expires) return { ok: true };
  return {
    ok: false,
    detail: `account ${name} expired at ${new Date(account.expires).toISOString()}`,
  };
}
