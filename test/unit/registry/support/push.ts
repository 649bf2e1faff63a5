/** The registry API's push and pull, spoken directly (what `docker push` does, one request at a time). */
import { createHash } from "node:crypto";
import { send, type Credentials, type Endpoint, type HttpAnswer } from "../../../../src/registry/http.js";

export const digestOf = (data: Buffer | string): string =>
  `sha256:${createHash("sha256").update(data).digest("hex")}`;
export const MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

/** POST then PUT of one blob; returns the final answer (201 when stored) or the first refusal. */
export async function pushBlob(
  ep: Endpoint,
  who: Credentials | undefined,
  repo: string,
  data: Buffer,
): Promise<HttpAnswer> {
  const opts = who ? { credentials: who } : {};
  const start = await send(ep, "POST", `/v2/${repo}/blobs/uploads/`, opts);
  if (start.status !== 202) return start;
  const location = new URL(String(start.headers.location), ep.url);
  location.searchParams.set("digest", digestOf(data));
  return send(ep, "PUT", `${location.pathname}${location.search}`, {
    ...opts,
    body: data,
    headers: { "Content-Type": "application/octet-stream" },
  });
}

/** Pushes a one-layer image `repo:tag`; returns the manifest PUT's answer and the layer's digest. */
export async function pushImage(
  ep: Endpoint,
  who: Credentials,
  repo: string,
  tag: string,
  layer: Buffer = Buffer.from(`layer of ${repo}:${tag} ${Math.random()}`),
): Promise<{ answer: HttpAnswer; layer: string; manifest: string }> {
  const config = Buffer.from(
    JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }),
  );
  for (const blob of [layer, config]) {
    const a = await pushBlob(ep, who, repo, blob);
    if (a.status !== 201) return { answer: a, layer: digestOf(layer), manifest: "" };
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_V2,
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: config.length,
      digest: digestOf(config),
    },
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: layer.length,
        digest: digestOf(layer),
      },
    ],
  });
  const answer = await send(ep, "PUT", `/v2/${repo}/manifests/${tag}`, {
    credentials: who,
    body: manifest,
    headers: { "Content-Type": MANIFEST_V2 },
  });
  return { answer, layer: digestOf(layer), manifest: digestOf(manifest) };
}
