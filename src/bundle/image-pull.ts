/**
 * Pulls one image for one platform from a registry over the distribution API (anonymous, or with
 * the registry's bearer token for public images) and writes it as a docker-archive that
 * `docker load` reads on engines from 20.10 on. Every manifest and blob is checked against its
 * sha256 before use: the registry is a peer, not a trusted source.
 */
import { createHash } from "node:crypto";
import { send, type Endpoint, type HttpAnswer } from "../registry/http.js";
import { MANIFEST_TYPES } from "../registry/api.js";
import { choosePlatform, hostPlatform, platformName } from "../images/platform.js";
import type { ImageRef } from "./image-ref.js";
import { tarBuffer } from "./tar.js";

export interface PulledImage {
  /** The docker-archive's bytes. */
  readonly archive: Buffer;
  /** The image id `docker image inspect` shows after loading: the config's digest. */
  readonly configDigest: string;
  /** The digest of the platform's manifest in the registry. */
  readonly manifestDigest: string;
}

export interface PullOptions {
  /** Where the image's registry is reached (a mirror of Docker Hub, say). */
  readonly endpoint: Endpoint;
  /** `uname -m` of the hosts. */
  readonly arch: string;
  /** Byte cap per answer; default 4 GiB. */
  readonly maxBytes?: number;
}

const sha256 = (b: Buffer): string => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

interface Descriptor {
  mediaType?: string;
  digest: string;
  platform?: { os?: string; architecture?: string; variant?: string };
}

function descriptors(v: unknown): Descriptor[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (d): d is Descriptor =>
      typeof d === "object" && d !== null && DIGEST.test(String((d as Descriptor).digest)),
  );
}

/** Reads a bearer challenge and asks its realm for a pull token (Docker Hub and most public registries). */
async function bearerToken(challenge: string, maxBytes: number): Promise<string | undefined> {
  const m = /^Bearer\s+(.*)$/i.exec(challenge);
  if (!m?.[1]) return undefined;
  const params = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
  const realm = params.realm;
  if (!realm || !/^https?:\/\//.test(realm)) return undefined;
  const url = new URL(realm);
  for (const k of ["service", "scope"]) if (params[k]) url.searchParams.set(k, params[k]);
  const answer = await send({ url: url.origin }, "GET", `${url.pathname}${url.search}`, {
    limits: { maxBytes },
  });
  if (answer.status !== 200) return undefined;
  const body = JSON.parse(answer.body.toString("utf8")) as { token?: unknown; access_token?: unknown };
  const token = body.token ?? body.access_token;
  return typeof token === "string" ? token : undefined;
}

/**
 * @example const img = await pullImage(parseImageRef("registry:2.8.2"), { endpoint: { url: "http://172.28.213.3:5000" }, arch: "x86_64" });
 */
export async function pullImage(ref: ImageRef, o: PullOptions): Promise<PulledImage> {
  const maxBytes = o.maxBytes ?? 4 * 1024 ** 3;
  let token: string | undefined;
  const what = `${ref.tagged} from ${o.endpoint.url}`;
  const get = async (path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> => {
    const call = () =>
      send(o.endpoint, "GET", `/v2/${ref.repository}/${path}`, {
        headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        limits: { maxBytes },
      });
    let answer = await call();
    const challenge = answer.headers["www-authenticate"];
    if (answer.status === 401 && !token && typeof challenge === "string") {
      token = await bearerToken(challenge, 1024 * 1024);
      if (token) answer = await call();
    }
    if (answer.status !== 200)
      throw new Error(`${what}: GET ${path.slice(0, 100)} answered HTTP ${answer.status}`);
    return answer;
  };
  const checked = (answer: HttpAnswer, digest: string, kind: string): Buffer => {
    if (sha256(answer.body) !== digest)
      throw new Error(`${what}: the ${kind} ${digest} does not match its digest`);
    return answer.body;
  };
  const accept = { Accept: MANIFEST_TYPES.join(", ") };
  let answer = await get(`manifests/${ref.reference}`, accept);
  let manifestDigest = sha256(answer.body);
  if (ref.reference.startsWith("sha256:")) checked(answer, ref.reference, "manifest");
  let doc = JSON.parse(answer.body.toString("utf8")) as {
    manifests?: unknown;
    config?: unknown;
    layers?: unknown;
  };
  if (doc.manifests !== undefined) {
    const want = hostPlatform(o.arch);
    const child = choosePlatform(
      descriptors(doc.manifests).flatMap((d) => {
        const p = d.platform;
        return p?.os && p.architecture
          ? [
              {
                ...d,
                platform: {
                  os: p.os,
                  architecture: p.architecture,
                  ...(p.variant ? { variant: p.variant } : {}),
                },
              },
            ]
          : [];
      }),
      want,
    );
    if (!child) throw new Error(`${what}: no ${platformName(want)} image in its index`);
    answer = await get(`manifests/${child.digest}`, accept);
    checked(answer, child.digest, "manifest");
    manifestDigest = child.digest;
    doc = JSON.parse(answer.body.toString("utf8")) as typeof doc;
  }
  const [config] = descriptors([doc.config]);
  const layers = descriptors(doc.layers);
  if (!config || layers.length === 0) throw new Error(`${what}: the manifest has no config or no layers`);
  const configBytes = checked(await get(`blobs/${config.digest}`), config.digest, "config");
  const entries = [{ name: `${config.digest.slice(7)}.json`, data: configBytes }];
  for (const layer of layers) {
    const data = checked(await get(`blobs/${layer.digest}`), layer.digest, "layer");
    // docker load decompresses a gzipped layer itself; its diff id is checked against the config.
    entries.push({ name: `${layer.digest.slice(7)}/layer.tar`, data });
  }
  const manifest = [
    {
      Config: `${config.digest.slice(7)}.json`,
      RepoTags: [ref.tagged],
      Layers: layers.map((l) => `${l.digest.slice(7)}/layer.tar`),
    },
  ];
  entries.push({ name: "manifest.json", data: Buffer.from(JSON.stringify(manifest)) });
  return { archive: await tarBuffer(entries), configDigest: config.digest, manifestDigest };
}
