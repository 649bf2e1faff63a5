/**
 * Whether the private registry already holds an image under a tag: the tag's manifest read from
 * the control machine (the registry's CA, the pushing account) and its config digest compared with
 * the image id. Equal: nothing to push. The manifest parser is pure.
 */
import { PeerError } from "../errors.js";
import { send, type Credentials, type Endpoint } from "../registry/http.js";
import { splitRef } from "./ref.js";

const ACCEPT = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.index.v1+json",
].join(", ");

/** The config digest of an image manifest; null for an index or anything without one. */
export function configDigest(body: Buffer): string | null {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof doc !== "object" || doc === null) return null;
  const config = (doc as { config?: unknown }).config;
  if (typeof config !== "object" || config === null) return null;
  const digest = (config as { digest?: unknown }).digest;
  return typeof digest === "string" && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : null;
}

/**
 * The image id the registry holds under `ref`'s tag, or null when the tag is absent (or an index).
 *
 * @throws PeerError when the registry refuses or cannot be reached: an unread state is never "absent"
 */
export async function registryImageId(
  endpoint: Endpoint,
  credentials: Credentials,
  ref: string,
): Promise<string | null> {
  const { repository, tag } = splitRef(ref);
  const path = `/v2/${repository}/manifests/${encodeURIComponent(tag)}`;
  let answer;
  try {
    answer = await send(endpoint, "GET", path, { credentials, headers: { Accept: ACCEPT } });
  } catch (err) {
    throw new PeerError(`the registry at ${endpoint.url}`, `GET ${path}: ${(err as Error).message}`);
  }
  if (answer.status === 404) return null;
  if (answer.status !== 200)
    throw new PeerError(
      `the registry at ${endpoint.url}`,
      `GET ${path}: HTTP ${answer.status}`,
      answer.status === 401 ? `the registry refused ${credentials.user}'s password` : undefined,
    );
  return configDigest(answer.body);
}
