/**
 * What tells two compliance runs apart beyond their time: the rules they were judged by (the
 * effective policy's digest) and the checks they ran (the check set), so history compares a host
 * only with its own previous run of the same checks. Pure.
 */
import { createHash } from "node:crypto";
import type { Check } from "../checks/check.js";
import type { Policy } from "./policy.js";

const digest = (value: unknown): string =>
  createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);

/** The effective policy's digest (where its files are does not count, what they say does). */
export function policyDigest(policy: Policy): string {
  const { files: _files, ...rules } = policy;
  return digest(rules);
}

/**
 * The check set: the CIS checks the policy selects, and whether drift is reported.
 *
 * @example checkSet(applyPolicy(policy, catalog(policy.params)), policy.drift)
 */
export function checkSet(selected: readonly Pick<Check, "id">[], drift: boolean): string {
  return digest({ checks: selected.map((c) => c.id).sort(), drift });
}
