/**
 * What a portal session is bound to: the account and the rights it had when it signed in. ops renders
 * `<dir>/policy/portal-accounts.json` (account -> a fingerprint of its rights) at every run; the
 * policy service reads it again whenever it changes and refuses a session whose account is gone or
 * whose rights changed, so removing an account or changing its role ends its sessions at the run
 * that applies it (not 15 minutes later). A password change needs no such check: the htpasswd nginx
 * verifies is read at every sign-in, and a session never renews itself.
 */
import { createHash } from "node:crypto";
import type { RegistryModel } from "../model.js";

/** The file's name beside policy.json. */
export const GRANTS_FILE = "portal-accounts.json";

/**
 * A short digest of an account's rights: system admin or not, and its role in each project.
 *
 * @example grantsOf(model, "dev") // "q3F0Vb3k9Qm1xS2a"
 */
export function grantsOf(model: RegistryModel, account: string): string | null {
  const a = model.accounts.find((x) => x.name === account);
  if (a === undefined) return null;
  const roles = model.projects.flatMap((p) => {
    const role = p.members.get(account);
    return role === undefined ? [] : [[p.name, role]];
  });
  return createHash("sha256")
    .update(JSON.stringify({ admin: a.admin, robot: a.robot, roles }))
    .digest("base64url")
    .slice(0, 22);
}

/** The file's content: every account's fingerprint. */
export function grantsFile(model: RegistryModel): string {
  const map = Object.fromEntries(model.accounts.map((a) => [a.name, grantsOf(model, a.name) ?? ""]));
  return `${JSON.stringify(map)}\n`;
}

export class GrantsFileError extends Error {}

/**
 * @example parseGrants('{"dev":"abc"}').get("dev") === "abc"
 */
export function parseGrants(text: string): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new GrantsFileError(`${GRANTS_FILE}: not JSON (${(e as Error).message})`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new GrantsFileError(`${GRANTS_FILE}: must be an object`);
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string" || v === "") throw new GrantsFileError(`${GRANTS_FILE}: ${k} must be a string`);
    out.set(k, v);
  }
  return out;
}
