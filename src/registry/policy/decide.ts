/**
 * The decisions on writes, from what storage holds and what the request brings. Pure: the service
 * (server.ts) reads storage and the request, these functions say yes or why not. A refusal is an OCI
 * error (`DENIED`, 403): docker prints "denied: <message>" and, because there is a detail, treats it
 * as final instead of retrying.
 */
import type { PolicyProject } from "./config.js";
import type { Descriptor } from "./manifest.js";
import { matchingPattern } from "./patterns.js";

export type Reason = "immutable" | "quota" | "storage";

export type Verdict =
  | { readonly ok: true; readonly added: number }
  | { readonly ok: false; readonly reason: Reason; readonly message: string; readonly detail: string };

const ALLOW: Verdict = { ok: true, added: 0 };

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Bytes for a message: 12.3 MiB. */
export function bytesText(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(2)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${n} bytes`;
}

/**
 * Pushing a manifest under `tag` (undefined: by digest) when the tag points at `current` (null:
 * absent). An immutable tag may be pushed again with the same content, never moved.
 */
export function immutableVerdict(
  project: PolicyProject | undefined,
  repository: string,
  tag: string | undefined,
  current: string | null,
  incoming: string,
): Verdict {
  if (project === undefined || tag === undefined || current === null || current === incoming) return ALLOW;
  const rule = matchingPattern(project.immutable, tag);
  if (rule === undefined) return ALLOW;
  return {
    ok: false,
    reason: "immutable",
    message: `the tag ${repository}:${tag} is immutable and cannot be overwritten`,
    detail: `rule "${rule}" of project ${project.name}; the tag points at ${current}: push a new tag`,
  };
}

/** Deleting manifest `digest` would remove every tag on it: refused when one of them is immutable. */
export function deleteVerdict(
  project: PolicyProject | undefined,
  repository: string,
  tags: readonly (readonly [string, string])[],
  digest: string,
): Verdict {
  if (project === undefined) return ALLOW;
  for (const [tag, d] of tags) {
    if (d !== digest) continue;
    const rule = matchingPattern(project.immutable, tag);
    if (rule !== undefined)
      return {
        ok: false,
        reason: "immutable",
        message: `the tag ${repository}:${tag} is immutable and cannot be deleted`,
        detail: `rule "${rule}" of project ${project.name} keeps ${digest}`,
      };
  }
  return ALLOW;
}

/** The project's usage: every piece of content once. */
export function usage(content: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const size of content.values()) total += size;
  return total;
}

/**
 * Adding `additions` (what a manifest push brings, the manifest included) to a project holding
 * `content`. Content the project already holds costs nothing (Harbor counts each blob once).
 */
export function quotaVerdict(
  project: PolicyProject | undefined,
  content: ReadonlyMap<string, number>,
  additions: readonly Descriptor[],
): Verdict {
  const fresh = new Map<string, number>();
  for (const d of additions) if (!content.has(d.digest)) fresh.set(d.digest, d.size);
  const added = usage(fresh);
  if (project === undefined || project.quota === null) return { ok: true, added };
  const used = usage(content);
  if (used + added <= project.quota) return { ok: true, added };
  return {
    ok: false,
    reason: "quota",
    message: `the storage quota of project ${project.name} would be exceeded`,
    detail: `adding ${bytesText(added)} to ${bytesText(used)} used exceeds the quota of ${bytesText(project.quota)}`,
  };
}

/** An OCI error body for a refusal. */
export function errorBody(v: Extract<Verdict, { ok: false }>): string {
  return `${JSON.stringify({ errors: [{ code: "DENIED", message: v.message, detail: v.detail }] })}\n`;
}
