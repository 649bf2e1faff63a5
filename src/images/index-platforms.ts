/**
 * The platforms of the image a `source: pull` names, read by the control machine's docker CLI
 * (`docker manifest inspect -v`: the same credentials and CAs as its pulls): for an index, one
 * entry per platform with its manifest digest and its config digest (the image id a host gets
 * when it loads that platform). Hosts then each get the entry for their own platform.
 */
import { quote } from "../transport/quote.js";
import type { Transport } from "../transport/transport.js";
import { tail } from "../text/tail.js";
import { IMAGE_ID } from "./ref.js";
import type { Platform } from "./platform.js";

/** One platform's image in an index. */
export interface PlatformImage {
  readonly platform: Platform;
  /** The platform manifest's digest: what the control machine pulls it by. */
  readonly digest: string;
  /** Its config digest: the image id once loaded. */
  readonly id: string;
}

interface Inspected {
  Descriptor?: { digest?: unknown; platform?: { os?: unknown; architecture?: unknown; variant?: unknown } };
  SchemaV2Manifest?: { config?: { digest?: unknown } };
  OCIManifest?: { config?: { digest?: unknown } };
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Parses `docker manifest inspect -v`: an array for an index, one object for a single image.
 * Entries without a platform or a config (attestations: `unknown/unknown`) are left out.
 *
 * @throws Error when the output is not that JSON
 */
export function parseManifestInspect(stdout: string): PlatformImage[] {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new Error(`docker manifest inspect printed no JSON: ${stdout.slice(0, 120)}`);
  }
  const entries = (Array.isArray(doc) ? doc : [doc]) as Inspected[];
  const out: PlatformImage[] = [];
  for (const e of entries) {
    if (typeof e !== "object" || e === null) continue;
    const p = e.Descriptor?.platform;
    const os = text(p?.os);
    const architecture = text(p?.architecture);
    const variant = text(p?.variant);
    const digest = text(e.Descriptor?.digest);
    const id = text((e.SchemaV2Manifest ?? e.OCIManifest)?.config?.digest);
    if (!os || !architecture || os === "unknown" || !digest || !id) continue;
    if (!IMAGE_ID.test(digest) || !IMAGE_ID.test(id)) continue;
    out.push({ platform: { os, architecture, ...(variant ? { variant } : {}) }, digest, id });
  }
  return out;
}

/**
 * The platforms of `from` as its registry lists them.
 *
 * @throws Error with the CLI's message when the registry cannot be read
 */
export async function readPlatforms(local: Transport, from: string): Promise<PlatformImage[]> {
  const r = await local.exec(`docker manifest inspect -v ${quote(from)}`, { become: false });
  if (r.code !== 0) throw new Error(`docker manifest inspect ${from}: ${tail(r.stderr || r.stdout)}`);
  return parseManifestInspect(r.stdout);
}
