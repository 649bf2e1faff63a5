/**
 * The registry's HTTP API as `ops registry` uses it: the catalog, tags, manifests (digest and
 * size), deletes by digest and the audit log, with ops's CA and one account's credentials. An
 * answer that is not what the call expects becomes a ConnectError naming the registry, with a
 * hint (a refused login, a missing right), never a stack trace.
 */
import { ConnectError } from "../errors.js";
import { send, type Credentials, type Endpoint, type HttpAnswer } from "./http.js";

/** Manifest types `ops registry ls` understands, newest first (what docker and buildx push). */
export const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
];

export interface ManifestInfo {
  readonly digest: string;
  readonly mediaType: string;
  /** Bytes of the config and layers (of every platform, for an index: what the registry stores). */
  readonly size: number;
}

interface Descriptor {
  size?: number;
  digest?: string;
  mediaType?: string;
}

export class RegistryApi {
  constructor(
    private readonly endpoint: Endpoint,
    private readonly credentials: Credentials,
    /** The registry host's inventory name, for messages. */
    private readonly host: string,
  ) {}

  private async call(
    method: string,
    path: string,
    ok: readonly number[],
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    let answer: HttpAnswer;
    try {
      answer = await send(this.endpoint, method, path, { credentials: this.credentials, headers });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const tls = /certificate|self[- ]signed|CERT|SSL|TLS/i.test(why);
      throw new ConnectError(
        this.host,
        `cannot reach the registry at ${this.endpoint.url}: ${why}`,
        tls
          ? "the registry's certificate is not signed by the CA ops trusts here: run `ops run deploy-registry`"
          : undefined,
      );
    }
    if (ok.includes(answer.status)) return answer;
    const hint =
      answer.status === 401
        ? `the registry refused ${this.credentials.user}'s password: run \`ops run deploy-registry\` after changing it`
        : answer.status === 403
          ? `${this.credentials.user} may not do this (a system admin may; --as chooses the account)`
          : undefined;
    const body = answer.body.toString("utf8").slice(0, 200).trim();
    throw new ConnectError(
      this.host,
      `${method} ${path}: HTTP ${answer.status}${body ? ` ${body}` : ""}`,
      hint,
    );
  }

  /** Every repository, following the catalog's pages. */
  async repositories(): Promise<string[]> {
    const all: string[] = [];
    let last = "";
    for (;;) {
      const q = `n=1000${last ? `&last=${encodeURIComponent(last)}` : ""}`;
      const page = JSON.parse((await this.call("GET", `/v2/_catalog?${q}`, [200])).body.toString()) as {
        repositories?: string[];
      };
      const repos = page.repositories ?? [];
      all.push(...repos);
      if (repos.length < 1000) return all;
      last = repos[repos.length - 1] ?? "";
    }
  }

  async tags(repo: string): Promise<string[]> {
    const answer = await this.call("GET", `/v2/${repo}/tags/list`, [200, 404]);
    if (answer.status === 404) return [];
    return ((JSON.parse(answer.body.toString()) as { tags?: string[] | null }).tags ?? []).sort();
  }

  /** The manifest a tag or digest names: its digest, type and stored size; null when gone. */
  async manifest(repo: string, reference: string): Promise<ManifestInfo | null> {
    const answer = await this.call("GET", `/v2/${repo}/manifests/${reference}`, [200, 404], {
      Accept: MANIFEST_TYPES.join(", "),
    });
    if (answer.status === 404) return null;
    const doc = JSON.parse(answer.body.toString()) as {
      mediaType?: string;
      config?: Descriptor;
      layers?: Descriptor[];
      manifests?: Descriptor[];
    };
    const mediaType = doc.mediaType ?? String(answer.headers["content-type"] ?? "");
    let size = (doc.config?.size ?? 0) + (doc.layers ?? []).reduce((s, l) => s + (l.size ?? 0), 0);
    for (const child of doc.manifests ?? []) {
      if (child.digest === undefined) continue;
      size += (await this.manifest(repo, child.digest))?.size ?? 0;
    }
    return { digest: String(answer.headers["docker-content-digest"] ?? ""), mediaType, size };
  }

  /** Deletes a manifest by digest (every tag pointing at it goes with it). */
  async deleteManifest(repo: string, digest: string): Promise<void> {
    await this.call("DELETE", `/v2/${repo}/manifests/${digest}`, [202]);
  }

  /** The audit log, as nginx wrote it (one JSON object per line). */
  async auditLog(): Promise<string> {
    return (await this.call("GET", "/ops/audit", [200])).body.toString("utf8");
  }
}
