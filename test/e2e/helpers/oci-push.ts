/**
 * Pushing and pulling realistic registry content by raw HTTP through the registry's nginx, as
 * docker, buildx, cosign and oras send it: blobs by monolithic upload, manifests by digest or tag
 * with their own media type. The control machine's docker may lack buildx; the bytes are the same.
 */
import { send, type Credentials, type Endpoint } from "../../../src/registry/http.js";
import type { Doc, Image } from "../../../src/registry/oci-image.js";
import { pushImage as push, pushManifest as putManifest } from "../../../src/registry/push.js";

const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Blobs first (a HEAD tells which the registry has, as docker does), then the manifest; throws unless stored. */
export async function pushImage(ep: Endpoint, who: Credentials, repo: string, image: Image, tag?: string) {
  const { answer, what } = await push(ep, who, repo, image, tag);
  if (answer.status !== 201)
    throw new Error(`${what} of ${repo}: HTTP ${answer.status} ${answer.body.toString()}`);
}

/** A manifest under `tag` (else its digest); throws unless stored. */
export async function pushManifest(ep: Endpoint, who: Credentials, repo: string, doc: Doc, tag?: string) {
  const a = await putManifest(ep, who, repo, doc, tag);
  if (a.status !== 201)
    throw new Error(`manifest ${doc.digest} of ${repo}: HTTP ${a.status} ${a.body.toString()}`);
}

/** Pulls a manifest by digest and every blob it names; returns the failures (empty: it pulls whole). */
export async function pullWhole(
  ep: Endpoint,
  who: Credentials,
  repo: string,
  image: Image,
): Promise<string[]> {
  const bad: string[] = [];
  const m = await send(ep, "GET", `/v2/${repo}/manifests/${image.manifest.digest}`, {
    credentials: who,
    headers: { Accept: ACCEPT },
  });
  if (m.status !== 200 || !m.body.equals(image.manifest.bytes))
    bad.push(`${repo}@${image.manifest.digest}: HTTP ${m.status}`);
  for (const b of image.blobs) {
    const g = await send(ep, "GET", `/v2/${repo}/blobs/${b.digest}`, { credentials: who });
    if (g.status !== 200 || g.body.length !== b.bytes.length)
      bad.push(`${repo} blob ${b.digest}: HTTP ${g.status}`);
  }
  return bad;
}

/** GET of a manifest by digest: its status (the pull loop's unit of work). */
export async function manifestStatus(
  ep: Endpoint,
  who: Credentials,
  repo: string,
  digest: string,
): Promise<number> {
  return (
    await send(ep, "GET", `/v2/${repo}/manifests/${digest}`, {
      credentials: who,
      headers: { Accept: ACCEPT },
    })
  ).status;
}
