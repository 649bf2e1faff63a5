/**
 * What a manifest or index holds, from its JSON: the content it references, with sizes (config and
 * layers of an image manifest, the manifests of an index, the blobs of an artifact). `subject` is a
 * reference to another manifest, not content of this one, so it is not counted. Pure.
 */
import { createHash } from "node:crypto";

export interface Descriptor {
  readonly digest: string;
  readonly size: number;
}

export class ManifestError extends Error {}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function descriptor(v: unknown, where: string): Descriptor {
  const d = v as { digest?: unknown; size?: unknown } | null;
  if (typeof d !== "object" || d === null || typeof d.digest !== "string" || !DIGEST.test(d.digest))
    throw new ManifestError(`${where}: no sha256 digest`);
  if (typeof d.size !== "number" || !Number.isSafeInteger(d.size) || d.size < 0)
    throw new ManifestError(`${where}: no size`);
  return { digest: d.digest, size: d.size };
}

/**
 * @example manifestDescriptors('{"config":{"digest":"sha256:…","size":2},"layers":[]}') // [{…}]
 */
export function manifestDescriptors(text: string): Descriptor[] {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ManifestError("the manifest is not JSON");
  }
  if (typeof m !== "object" || m === null || Array.isArray(m))
    throw new ManifestError("the manifest is not an object");
  const out: Descriptor[] = [];
  if (m.config !== undefined) out.push(descriptor(m.config, "config"));
  for (const key of ["layers", "manifests", "blobs"] as const) {
    const list = m[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ManifestError(`${key} is not a list`);
    list.forEach((d, i) => out.push(descriptor(d, `${key}.${i}`)));
  }
  return out;
}

/** The digest the registry will give a manifest: sha256 of its exact bytes. */
export function manifestDigest(body: Buffer): string {
  return `sha256:${createHash("sha256").update(body).digest("hex")}`;
}
