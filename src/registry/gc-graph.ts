/**
 * The registry's manifest graph as garbage collection needs it, read from Distribution's storage
 * on the registry host (`gc.sh --graph`): every repository's tags (with the time each was last
 * pushed), every manifest revision (untagged ones too: the registry's API cannot list those) with
 * its content, and a fingerprint of all tag and revision links. Pure parsers only; gc-plan.ts
 * decides what may go.
 */
import { FactError } from "../errors.js";
import { decodeBase64, lines } from "../facts/text.js";

/** What one manifest points at, read from its JSON. */
export interface ManifestRefs {
  readonly mediaType: string;
  /** Manifests an image index lists (per-platform images, buildx attestation manifests). */
  readonly children: readonly string[];
  /** OCI 1.1 `subject`: the manifest this one is a referrer of (signature, SBOM, attestation). */
  readonly subject: string | null;
  /** Config and layers, with the sizes the manifest declares. */
  readonly blobs: readonly { readonly digest: string; readonly size: number }[];
}

export interface ManifestNode {
  readonly digest: string;
  /** Bytes of the manifest blob itself. */
  readonly bytes: number;
  /** null: the content could not be read (blob missing, too large to send, not a manifest). */
  readonly refs: ManifestRefs | null;
}

export interface TagNode {
  readonly name: string;
  readonly digest: string;
  /** Seconds since the epoch when the tag was last pushed (its link's mtime). */
  readonly pushed: number;
}

export interface RepoGraph {
  readonly name: string;
  readonly tags: readonly TagNode[];
  readonly manifests: ReadonlyMap<string, ManifestNode>;
}

export interface RegistryGraph {
  /** Changes whenever a tag or revision link is added, moved or removed. */
  readonly fingerprint: string;
  readonly repos: readonly RepoGraph[];
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[0-9a-f]{64}$/;
/** Distribution's own grammar for repository names and tags (reference/regexp.go). */
const REPO = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const record = (v: unknown): Record<string, unknown> | null =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

const descriptors = (v: unknown): { digest: string; size: number }[] =>
  (Array.isArray(v) ? v : [v])
    .map(record)
    .filter((d): d is Record<string, unknown> => d !== null)
    .filter((d) => typeof d.digest === "string" && DIGEST.test(d.digest))
    .map((d) => ({
      digest: d.digest as string,
      size: typeof d.size === "number" && Number.isSafeInteger(d.size) && d.size >= 0 ? d.size : 0,
    }));

/**
 * What a manifest's JSON points at; null when it is not a JSON object (then nothing it might
 * reference can be known, and the planner keeps its whole repository).
 *
 * @example parseManifestRefs(Buffer.from('{"manifests":[{"digest":"sha256:..."}]}')).children
 */
export function parseManifestRefs(content: Buffer): ManifestRefs | null {
  let doc: Record<string, unknown> | null;
  try {
    doc = record(JSON.parse(content.toString("utf8")));
  } catch {
    return null;
  }
  if (doc === null) return null;
  const subject = descriptors(doc.subject ?? [])[0]?.digest ?? null;
  return {
    mediaType: typeof doc.mediaType === "string" ? doc.mediaType : "",
    children: descriptors(doc.manifests ?? []).map((d) => d.digest),
    subject,
    blobs: [...descriptors(doc.config ?? []), ...descriptors(doc.layers ?? [])],
  };
}

/**
 * Parses `gc.sh --graph`:
 *   ops-gc-graph 1
 *   repo <name>
 *   tag <name> <digest> <pushed>
 *   manifest <digest> <bytes|-> <base64|->
 *   fingerprint <hex>
 * Anything else, or a line out of place, is an error: a graph read only in part must never plan
 * a deletion.
 */
export function parseGraph(stdout: string, source = "gc.sh --graph"): RegistryGraph {
  const rows = lines(stdout);
  const bad = (n: number, why: string): never => {
    throw new FactError(source, `line ${n + 1}: ${why}`);
  };
  if (rows[0] !== "ops-gc-graph 1") bad(0, "not the output of gc.sh --graph");
  const repos: { name: string; tags: TagNode[]; manifests: Map<string, ManifestNode> }[] = [];
  let fingerprint: string | null = null;
  rows.slice(1).forEach((row, i) => {
    const n = i + 1;
    const [word, ...f] = row.split(" ");
    const repo = repos[repos.length - 1];
    if (fingerprint !== null) bad(n, "output after the fingerprint");
    if (word === "repo" && f.length === 1 && REPO.test(f[0] ?? "")) {
      repos.push({ name: f[0] ?? "", tags: [], manifests: new Map() });
    } else if (word === "tag" && repo && f.length === 3) {
      const [name = "", digest = "", pushed = ""] = f;
      if (!TAG.test(name) || !SHA256.test(digest) || !/^\d+$/.test(pushed)) bad(n, "a malformed tag line");
      repo.tags.push({ name, digest, pushed: Number(pushed) });
    } else if (word === "manifest" && repo && f.length === 3) {
      const [digest = "", size = "", body = ""] = f;
      if (!SHA256.test(digest) || !/^(\d+|-)$/.test(size)) bad(n, "a malformed manifest line");
      let refs: ManifestRefs | null = null;
      if (body !== "-") {
        let content: Buffer;
        try {
          content = decodeBase64(body, source);
        } catch {
          return bad(n, `the content of ${digest} is not base64`);
        }
        refs = parseManifestRefs(content);
      }
      repo.manifests.set(digest, { digest, bytes: size === "-" ? 0 : Number(size), refs });
    } else if (word === "fingerprint" && f.length === 1 && /^[0-9a-f]{64}$/.test(f[0] ?? "")) {
      fingerprint = f[0] ?? "";
    } else {
      bad(n, `unexpected "${row.slice(0, 60)}"`);
    }
  });
  if (fingerprint === null) return bad(rows.length, "the output ends before its fingerprint (cut short)");
  return { fingerprint, repos };
}
