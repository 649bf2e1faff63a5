/**
 * The tests' one-layer docker images (schema 2, a random layer unless given), pushed by the one
 * push of src/registry/push.ts (what `docker push` does, one request at a time).
 */
import type { Credentials, Endpoint, HttpAnswer } from "../../../../src/registry/http.js";
import { blobDoc, jsonDoc, sha } from "../../../../src/registry/oci-image.js";
import { pushBlob as pushBlobBytes, pushImage as pushAny } from "../../../../src/registry/push.js";

export const digestOf = sha;
export const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

/** POST then PUT of one blob; returns the final answer (201 when stored) or the first refusal. */
export const pushBlob = (
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  data: Buffer,
): Promise<HttpAnswer> => pushBlobBytes(ep, who, repo, data, digestOf(data));

/** Pushes a one-layer image `repo:tag`; returns the answer that ended the push and the digests. */
export async function pushImage(
  ep: Endpoint,
  who: Credentials,
  repo: string,
  tag: string,
  layer: Buffer = Buffer.from(`layer of ${repo}:${tag} ${Math.random()}`),
): Promise<{ answer: HttpAnswer; layer: string; manifest: string }> {
  const layerDoc = blobDoc(layer, "application/vnd.docker.image.rootfs.diff.tar.gzip");
  const config = jsonDoc("application/vnd.docker.container.image.v1+json", {
    architecture: "amd64",
    os: "linux",
    rootfs: { type: "layers", diff_ids: [] },
  });
  const desc = (d: typeof config) => ({ mediaType: d.mediaType, size: d.bytes.length, digest: d.digest });
  const manifest = jsonDoc(MANIFEST_V2, {
    schemaVersion: 2,
    mediaType: MANIFEST_V2,
    config: desc(config),
    layers: [desc(layerDoc)],
  });
  const { answer } = await pushAny(ep, who, repo, { blobs: [layerDoc, config], manifest }, tag);
  return { answer, layer: layerDoc.digest, manifest: manifest.digest };
}
