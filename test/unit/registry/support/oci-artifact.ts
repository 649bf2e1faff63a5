/**
 * An OCI artifact pushed and discovered the way oras (oras-go v2) does it against a registry without
 * the referrers API: empty config (`application/vnd.oci.empty.v1+json`, the two bytes `{}`), a custom
 * layer media type, `artifactType`, a `subject`; the referrers API is asked first and, on 404, the
 * referrers index is kept under the tag schema `sha256-<hex of the subject>` (OCI distribution spec
 * 1.1, "Referrers Tag Schema"). Each request is shaped as oras sends it (media types, Accept).
 */
import { send, type Credentials, type Endpoint, type HttpAnswer } from "../../../../src/registry/http.js";
import { digestOf, pushBlob } from "./push.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const EMPTY_CONFIG = "application/vnd.oci.empty.v1+json";

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

export interface ArtifactPush {
  /** The first refusal, or the last answer (the referrers index PUT: 201). */
  readonly answer: HttpAnswer;
  readonly manifest: Descriptor;
  /** What the referrers API answered before the fallback. */
  readonly referrersStatus: number;
}

const opts = (who: Credentials | undefined) => (who ? { credentials: who } : {});

/** `oras attach --artifact-type <type> <repo>@<subject> file:<layerType>` */
export async function attachArtifact(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  subject: Descriptor,
  artifactType: string,
  layerType: string,
  content: Buffer,
): Promise<ArtifactPush> {
  const empty = Buffer.from("{}");
  const fail = (answer: HttpAnswer, referrersStatus = 0): ArtifactPush => ({
    answer,
    manifest: { mediaType: OCI_MANIFEST, digest: "", size: 0 },
    referrersStatus,
  });
  for (const blob of [content, empty]) {
    const head = await send(ep, "HEAD", `/v2/${repo}/blobs/${digestOf(blob)}`, opts(who));
    if (head.status === 200) continue;
    if (head.status !== 404) return fail(head);
    const a = await pushBlob(ep, who, repo, blob);
    if (a.status !== 201) return fail(a);
  }
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: { mediaType: EMPTY_CONFIG, digest: digestOf(empty), size: 2, data: "e30=" },
      layers: [
        {
          mediaType: layerType,
          digest: digestOf(content),
          size: content.length,
          annotations: { "org.opencontainers.image.title": "artifact.bin" },
        },
      ],
      subject,
      annotations: { "org.opencontainers.image.created": "2026-12-07T00:00:00Z" },
    }),
  );
  const manifest: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest: digestOf(body),
    size: body.length,
    artifactType,
  };
  const put = await send(ep, "PUT", `/v2/${repo}/manifests/${manifest.digest}`, {
    ...opts(who),
    body,
    headers: { "Content-Type": OCI_MANIFEST },
  });
  if (put.status !== 201) return fail(put);
  // A registry with the referrers API says so with OCI-Subject; Distribution 2.8 does not.
  const referrers = await listReferrers(ep, who, repo, subject.digest);
  if (referrers.api.status !== 404) return fail(referrers.api, referrers.api.status);
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...referrers.list, manifest] }),
  );
  const answer = await send(ep, "PUT", `/v2/${repo}/manifests/${tagSchema(subject.digest)}`, {
    ...opts(who),
    body: index,
    headers: { "Content-Type": OCI_INDEX },
  });
  return { answer, manifest, referrersStatus: referrers.api.status };
}

/** `sha256:abc` -> `sha256-abc`: the referrers index's tag. */
export const tagSchema = (digest: string): string => digest.replace(":", "-");

/** `oras discover`: the referrers API, then (on 404) the tag schema's index. */
export async function listReferrers(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  subject: string,
): Promise<{ api: HttpAnswer; list: Descriptor[] }> {
  const api = await send(ep, "GET", `/v2/${repo}/referrers/${subject}`, {
    ...opts(who),
    headers: { Accept: OCI_INDEX },
  });
  if (api.status === 200)
    return { api, list: (JSON.parse(api.body.toString()) as { manifests: Descriptor[] }).manifests };
  if (api.status !== 404) return { api, list: [] };
  const index = await send(ep, "GET", `/v2/${repo}/manifests/${tagSchema(subject)}`, {
    ...opts(who),
    headers: { Accept: OCI_INDEX },
  });
  if (index.status !== 200) return { api, list: [] };
  return { api, list: (JSON.parse(index.body.toString()) as { manifests: Descriptor[] }).manifests };
}

/** `oras pull <repo>@<digest>`: the manifest, then its one layer; the layer's bytes or the refusal. */
export async function pullArtifact(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  digest: string,
): Promise<{ status: number; content: Buffer; artifactType: string }> {
  const m = await send(ep, "GET", `/v2/${repo}/manifests/${digest}`, {
    ...opts(who),
    headers: { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
  });
  if (m.status !== 200) return { status: m.status, content: Buffer.alloc(0), artifactType: "" };
  const doc = JSON.parse(m.body.toString()) as { artifactType?: string; layers: Descriptor[] };
  const layer = doc.layers[0];
  const blob = await send(ep, "GET", `/v2/${repo}/blobs/${layer?.digest ?? ""}`, opts(who));
  return { status: blob.status, content: blob.body, artifactType: doc.artifactType ?? "" };
}
