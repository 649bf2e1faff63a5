/**
 * What garbage collection may delete: the manifests nothing reaches. Distribution 2.8's
 * `garbage-collect --delete-untagged` sweeps every manifest without a tag of its own, including the
 * per-platform manifests and attestation manifests of a tagged image index (distribution #3178,
 * #3004; fixed only in 3.0, and Debian ships 2.8), so ops computes reachability itself and the
 * collector then runs without that flag.
 *
 * Reachable, per repository: the manifest of every tag that retention keeps; every manifest an
 * index reached lists (platforms, buildx attestation manifests); every referrer whose OCI 1.1
 * `subject` is reached (signatures, SBOMs, attestations, oras artifacts); every manifest tagged by
 * the tag schema of a reached digest (`sha256-<hex>` fallback indexes of oras, cosign's
 * `sha256-<hex>.sig|.att|.sbom`). Those tags belong to their subject: retention never counts them,
 * and they go when their subject goes. A repository holding a manifest whose content cannot be read
 * is kept whole (its references are unknown). Pure.
 */
import type { ManifestNode, RegistryGraph, RepoGraph, TagNode } from "./gc-graph.js";

/** A tag that names another manifest's digest: attached to it, not an image of its own. */
const ATTACHED = /^sha256-([0-9a-f]{64})(?:\.(?:sig|att|sbom))?$/;

export interface Deletion {
  readonly repo: string;
  readonly digest: string;
  readonly mediaType: string;
  /** Tags that go with it (retention's, or the attached tags of a subject that is gone). */
  readonly tags: readonly string[];
  /** Bytes no kept manifest anywhere in the registry shares: what collecting it frees. */
  readonly bytes: number;
}

export interface Untag {
  readonly repo: string;
  readonly tag: string;
  /** The manifest stays: another tag (or an index, or a subject) still reaches it. */
  readonly digest: string;
}

export interface GcPlan {
  readonly fingerprint: string;
  readonly deletes: readonly Deletion[];
  readonly untags: readonly Untag[];
  /** Manifests kept, over all repositories. */
  readonly kept: number;
  /** About what collecting the deletions frees (from the sizes manifests declare). */
  readonly bytes: number;
  /** Things a person should know: missing children, unreadable manifests, dangling tags. */
  readonly warnings: readonly string[];
}

/** Whether a tag is an image's own (counted by retention) or attached to another digest. */
export const isAttachedTag = (tag: string): boolean => ATTACHED.test(tag);

interface RepoVerdict {
  readonly reached: ReadonlySet<string>;
  readonly retired: readonly TagNode[];
  readonly warnings: string[];
}

/** The tags retention keeps: the newest `keep` of the repository's own tags (0: all). */
function retain(tags: readonly TagNode[], keep: number): { kept: TagNode[]; retired: TagNode[] } {
  const own = tags.filter((t) => !isAttachedTag(t.name));
  if (keep <= 0) return { kept: own, retired: [] };
  const newest = [...own].sort((a, b) => b.pushed - a.pushed || a.name.localeCompare(b.name));
  return { kept: newest.slice(0, keep), retired: newest.slice(keep) };
}

function walk(repo: RepoGraph, keep: number): RepoVerdict {
  const warnings: string[] = [];
  const { kept, retired } = retain(repo.tags, keep);
  const unreadable = [...repo.manifests.values()].filter((m) => m.refs === null);
  if (unreadable.length > 0) {
    warnings.push(
      `${repo.name}: kept whole: the content of ${unreadable[0]?.digest ?? "?"}${unreadable.length > 1 ? ` and ${unreadable.length - 1} more` : ""} cannot be read, so what it references is unknown`,
    );
    return { reached: new Set(repo.manifests.keys()), retired, warnings };
  }
  const referrers = new Map<string, string[]>();
  for (const m of repo.manifests.values()) {
    const subject = m.refs?.subject;
    if (subject) referrers.set(subject, [...(referrers.get(subject) ?? []), m.digest]);
  }
  const attached = new Map<string, string[]>();
  for (const t of repo.tags) {
    const hex = ATTACHED.exec(t.name)?.[1];
    if (hex !== undefined)
      attached.set(`sha256:${hex}`, [...(attached.get(`sha256:${hex}`) ?? []), t.digest]);
  }
  const reached = new Set<string>();
  const queue: string[] = [];
  const reach = (digest: string, from: string) => {
    if (reached.has(digest)) return;
    if (!repo.manifests.has(digest)) {
      warnings.push(`${repo.name}: ${from} points at ${digest}, which the registry does not hold`);
      return;
    }
    reached.add(digest);
    queue.push(digest);
  };
  for (const t of kept) reach(t.digest, `tag ${t.name}`);
  // A queue, not recursion: an index that lists itself, or a cycle, ends here as any other edge.
  for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
    for (const child of repo.manifests.get(d)?.refs?.children ?? []) reach(child, `index ${d}`);
    for (const r of referrers.get(d) ?? []) reach(r, `subject ${d}`);
    for (const a of attached.get(d) ?? []) reach(a, `a tag attached to ${d}`);
  }
  return { reached, retired, warnings };
}

/** Config, layers and the manifest itself: every blob a manifest holds on to. */
const blobsOf = (m: ManifestNode) => [{ digest: m.digest, size: m.bytes }, ...(m.refs?.blobs ?? [])];

/**
 * @example planGc(graph, (repo) => (repo.startsWith("team/") ? 5 : 0)).deletes
 */
export function planGc(graph: RegistryGraph, keepFor: (repo: string) => number): GcPlan {
  const verdicts = graph.repos.map((repo) => ({ repo, ...walk(repo, keepFor(repo.name)) }));
  // Blobs live once for the whole registry: one a kept manifest anywhere uses is never freed.
  const held = new Set<string>();
  for (const { repo, reached } of verdicts)
    for (const d of reached)
      for (const b of blobsOf(repo.manifests.get(d) as ManifestNode)) held.add(b.digest);
  const counted = new Set<string>();
  const deletes: Deletion[] = [];
  const untags: Untag[] = [];
  let kept = 0;
  for (const { repo, reached, retired } of verdicts) {
    kept += reached.size;
    for (const t of retired) {
      if (reached.has(t.digest)) untags.push({ repo: repo.name, tag: t.name, digest: t.digest });
    }
    for (const m of repo.manifests.values()) {
      if (reached.has(m.digest)) continue;
      let bytes = 0;
      for (const b of blobsOf(m)) {
        if (held.has(b.digest) || counted.has(b.digest)) continue;
        counted.add(b.digest);
        bytes += b.size;
      }
      deletes.push({
        repo: repo.name,
        digest: m.digest,
        mediaType: m.refs?.mediaType ?? "",
        tags: repo.tags.filter((t) => t.digest === m.digest).map((t) => t.name),
        bytes,
      });
    }
  }
  return {
    fingerprint: graph.fingerprint,
    deletes,
    untags,
    kept,
    bytes: deletes.reduce((s, d) => s + d.bytes, 0),
    warnings: verdicts.flatMap((v) => v.warnings),
  };
}
