/**
 * A repository's tags as the portal lists them: one row per tag with its digest, size, platforms
 * and created time, the other tags on the same manifest (a delete removes them too), and what is
 * attached to it: cosign signatures, attestations and SBOMs (`sha256-<hex>.sig|.att|.sbom`),
 * OCI 1.1 referrers under the tag schema (`sha256-<hex>`) and buildx attestation manifests inside
 * an index. Attached tags are not rows of their own. Pure: manifests in, rows out.
 */
import { asDescriptorList, isDigest } from "../parse.js";

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string;
  readonly digest: string;
}

/** What one manifest says, read by `readManifest`. */
export interface ManifestFacts {
  readonly mediaType: string;
  /** An index: its children. */
  readonly platforms: readonly Platform[];
  /** Buildx attestation manifests inside an index. */
  readonly attestations: number;
  /** An image: bytes of its config and layers; an index: bytes of its children's manifests (see sizes). */
  readonly size: number;
  /** An image's config blob (its `created`), or "". */
  readonly config: string;
}

export interface TagInfo {
  readonly tag: string;
  readonly digest: string;
  readonly facts: ManifestFacts;
  /** Bytes of every platform's config and layers, when read. */
  readonly size: number;
  /** ISO time from the image config, or "". */
  readonly created: string;
}

export type AttachedKind = "signature" | "attestation" | "sbom" | "referrer";

export interface TagRow extends TagInfo {
  /** Other tags on the same digest: a delete removes them as well. */
  readonly sameDigest: readonly string[];
  readonly attached: readonly { readonly kind: AttachedKind; readonly tag: string }[];
}

const ATTACHED = /^sha256-([a-f0-9]{64})(?:\.(sig|att|sbom))?$/;
const KINDS: Record<string, AttachedKind> = { sig: "signature", att: "attestation", sbom: "sbom" };

/**
 * The digest a tag is attached to and how, or null for an ordinary tag.
 *
 * @example attachedTo(`sha256-${"a".repeat(64)}.sig`) // { subject: "sha256:aaa...", kind: "signature" }
 */
export function attachedTo(tag: string): { subject: string; kind: AttachedKind } | null {
  const m = ATTACHED.exec(tag);
  if (m?.[1] === undefined) return null;
  return { subject: `sha256:${m[1]}`, kind: m[2] === undefined ? "referrer" : (KINDS[m[2]] ?? "referrer") };
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");

/**
 * What a manifest body says, or a string naming what is wrong with it (a registry is a peer).
 *
 * @example readManifest('{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}')
 */
export function readManifest(body: string, contentType = ""): ManifestFacts | string {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return "the manifest is not JSON";
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    return "the manifest is not a JSON object";
  const o = doc as Record<string, unknown>;
  const mediaType = str(o.mediaType) || contentType;
  if (Array.isArray(o.manifests)) {
    const children = asDescriptorList(o.manifests);
    if (typeof children === "string") return children;
    const platforms: Platform[] = [];
    let attestations = 0;
    for (const [i, m] of (o.manifests as unknown[]).entries()) {
      const d = m as {
        platform?: { os?: unknown; architecture?: unknown; variant?: unknown };
        annotations?: unknown;
      };
      const ann = (d.annotations ?? {}) as Record<string, unknown>;
      if (ann["vnd.docker.reference.type"] === "attestation-manifest") {
        attestations++;
        continue;
      }
      platforms.push({
        os: str(d.platform?.os),
        architecture: str(d.platform?.architecture),
        variant: str(d.platform?.variant),
        digest: children[i]?.digest ?? "",
      });
    }
    const size = children.reduce((s, c) => s + c.size, 0);
    return { mediaType, platforms, attestations, size, config: "" };
  }
  const config = o.config === undefined ? [] : asDescriptorList([o.config]);
  const layers = Array.isArray(o.layers) ? asDescriptorList(o.layers) : [];
  if (typeof config === "string") return config;
  if (typeof layers === "string") return layers;
  const size = [...config, ...layers].reduce((s, d) => s + d.size, 0);
  return { mediaType, platforms: [], attestations: 0, size, config: config[0]?.digest ?? "" };
}

/** The `created` of an image config blob, or "". @example createdOf('{"created":"2026-12-07T01:00:00Z"}') */
export function createdOf(configBody: string): string {
  try {
    const c = (JSON.parse(configBody) as { created?: unknown }).created;
    return typeof c === "string" && !Number.isNaN(new Date(c).getTime()) ? c : "";
  } catch {
    return "";
  }
}

/**
 * Rows for the page: ordinary tags sorted by name, each with its attached tags and the other tags on
 * its digest. Attached tags whose subject no tag names are rows of their own (nothing hides them).
 *
 * @example tagRows([{ tag: "v1", digest: d, ... }, { tag: `sha256-${hex}.sig`, ... }])[0].attached
 */
export function tagRows(tags: readonly TagInfo[]): TagRow[] {
  const byDigest = new Map<string, string[]>();
  for (const t of tags)
    if (attachedTo(t.tag) === null) byDigest.set(t.digest, [...(byDigest.get(t.digest) ?? []), t.tag]);
  const rows: TagRow[] = [];
  for (const t of tags) {
    const a = attachedTo(t.tag);
    if (a !== null && byDigest.has(a.subject)) continue;
    const attached = tags.flatMap((x) => {
      const at = attachedTo(x.tag);
      return at !== null && at.subject === t.digest && x !== t ? [{ kind: at.kind, tag: x.tag }] : [];
    });
    if (t.facts.attestations > 0)
      attached.push({ kind: "attestation", tag: `${t.facts.attestations} in the index` });
    rows.push({ ...t, sameDigest: (byDigest.get(t.digest) ?? []).filter((x) => x !== t.tag), attached });
  }
  return rows.sort((x, y) => (x.tag < y.tag ? -1 : x.tag > y.tag ? 1 : 0));
}

/**
 * The confirmation a delete asks for: the registry deletes a manifest by digest, so every tag on it
 * and everything attached to it goes too. The page says so before anything is sent.
 *
 * @example deleteConfirmation("team/app", row) // "Delete team/app:v1? This deletes manifest sha256:... ..."
 */
export function deleteConfirmation(repository: string, row: TagRow): string {
  if (!isDigest(row.digest)) return "";
  const others =
    row.sameDigest.length === 0
      ? "No other tag points to it."
      : `These tags point to it too and go with it: ${row.sameDigest.join(", ")}.`;
  const attached =
    row.attached.length === 0
      ? ""
      : ` Attached and left without a subject: ${row.attached.map((a) => a.tag).join(", ")}.`;
  return `Delete ${repository}:${row.tag}? This deletes manifest ${row.digest}. ${others}${attached}`;
}

/** @example platformLabel({ os: "linux", architecture: "arm64", variant: "v8", digest }) === "linux/arm64/v8" */
export const platformLabel = (p: Platform): string =>
  [p.os || "?", p.architecture || "?", ...(p.variant === "" ? [] : [p.variant])].join("/");
