/**
 * Pushing by the registry API, one request at a time, as `docker push` does: for each blob a HEAD
 * (skipped when the registry has it), else a POST that opens an upload and a PUT of the whole blob
 * with its digest; then the manifest under a tag or its digest, with its own media type. Used by
 * `ops verify -p deploy-registry` (its test image) and by the tests and benchmarks.
 */
import { send, type Credentials, type Endpoint, type HttpAnswer, type RequestOptions } from "./http.js";
import type { Doc, Image } from "./oci-image.js";

/** What a push got: the answer that ended it (201 when stored) and what it was sending then. */
export interface PushAnswer {
  readonly answer: HttpAnswer;
  /** `blob sha256:…`, `manifest sha256:…`: the request the answer is to. */
  readonly what: string;
}

type Limits = RequestOptions["limits"];

/** POST then PUT of one blob; the final answer (201 when stored) or the first refusal. */
export async function pushBlob(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  bytes: Buffer,
  digest: string,
  limits?: Limits,
): Promise<HttpAnswer> {
  const opts = { ...(who ? { credentials: who } : {}), ...(limits ? { limits } : {}) };
  const start = await send(ep, "POST", `/v2/${repo}/blobs/uploads/`, opts);
  if (start.status !== 202) return start;
  const location = new URL(String(start.headers.location), ep.url);
  location.searchParams.set("digest", digest);
  return send(ep, "PUT", `${location.pathname}${location.search}`, {
    ...opts,
    body: bytes,
    headers: { "Content-Type": "application/octet-stream" },
  });
}

/** PUT of a manifest under `reference` (a tag, else its digest). */
export function pushManifest(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  doc: Doc,
  reference: string = doc.digest,
  limits?: Limits,
): Promise<HttpAnswer> {
  return send(ep, "PUT", `/v2/${repo}/manifests/${reference}`, {
    ...(who ? { credentials: who } : {}),
    ...(limits ? { limits } : {}),
    body: doc.bytes,
    headers: { "Content-Type": doc.mediaType },
  });
}

/**
 * Blobs the registry lacks (a HEAD asks), then the manifest under `reference` (default its digest).
 *
 * @example const { answer } = await pushImage(ep, { user: "dev", password }, "team/app", image, "v1"); answer.status === 201
 */
export async function pushImage(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  image: Image,
  reference?: string,
  limits?: Limits,
): Promise<PushAnswer> {
  const opts = { ...(who ? { credentials: who } : {}), ...(limits ? { limits } : {}) };
  for (const b of image.blobs) {
    const head = await send(ep, "HEAD", `/v2/${repo}/blobs/${b.digest}`, opts);
    if (head.status === 200) continue;
    const put = await pushBlob(ep, who, repo, b.bytes, b.digest, limits);
    if (put.status !== 201) return { answer: put, what: `blob ${b.digest}` };
  }
  const m = image.manifest;
  return { answer: await pushManifest(ep, who, repo, m, reference, limits), what: `manifest ${m.digest}` };
}
