/**
 * The registry's HTTP API as `ops registry` uses it: the catalog, tags, manifests (digest and
 * size), deletes by digest and the audit log, with ops's CA and one account's credentials.
 *
 * The registry is a peer: nothing it sends is trusted. Every request is bounded (http.ts); lists
 * stop at a page cap and when pages repeat; indexes stop at a depth cap, a child cap and a cycle;
 * every answer is parsed and validated before use (names against the distribution grammar, sizes as
 * integers, digests as digests). What does not fit becomes a PeerError naming the registry (exit 2),
 * never a stack trace; an unreachable or refusing registry a ConnectError with a hint.
 */
import { createHash } from "node:crypto";
import { ConnectError, PeerError } from "../errors.js";
import { printable } from "../report/printable.js";
import { LimitError, send, sendLines, type Credentials, type Endpoint, type HttpAnswer } from "./http.js";
import { DEFAULT_REGISTRY_LIMITS, type RegistryLimits } from "./limits.js";
import { MANIFEST_TYPES } from "./manifest-types.js";
import { asDescriptorList, isDigest, isRepository, isTag, parseJsonObject, stringList } from "./parse.js";

export { MANIFEST_TYPES };

export interface ManifestInfo {
  readonly digest: string;
  readonly mediaType: string;
  /** Bytes of the config and layers (of every platform, for an index: what the registry stores). */
  readonly size: number;
}

/** Entries asked for per page of the catalog or a tag list. */
export const PAGE = 1000;

const HINTS: Record<LimitError["limit"], string> = {
  deadline: "a slow registry or a large answer: --timeout SECONDS allows more",
  idle: "the registry stopped sending: --idle-timeout SECONDS allows longer silences",
  bytes: "--max-bytes BYTES allows a larger answer",
  line: "the audit log should hold one short JSON object per line",
};

export { DEFAULT_REGISTRY_LIMITS, type RegistryLimits };

export class RegistryApi {
  private readonly limits: RegistryLimits;
  /** How messages name the registry. */
  readonly source: string;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly credentials: Credentials,
    /** The registry host's inventory name, for messages. */
    private readonly host: string,
    limits: Partial<RegistryLimits> = {},
  ) {
    this.limits = { ...DEFAULT_REGISTRY_LIMITS, ...limits };
    this.source = `the registry at ${endpoint.url}`;
  }

  private peer(message: string, hint?: string): PeerError {
    return new PeerError(this.source, message, hint);
  }

  private unreachable(err: unknown): Error {
    if (err instanceof LimitError) return this.peer(err.message, HINTS[err.limit]);
    const why = err instanceof Error ? err.message : String(err);
    const tls = /certificate|self[- ]signed|CERT|SSL|TLS/i.test(why);
    return new ConnectError(
      this.host,
      `cannot reach ${this.source}: ${why}`,
      tls
        ? "the registry's certificate is not signed by the CA ops trusts here: run `ops run deploy-registry`"
        : undefined,
    );
  }

  private refused(method: string, path: string, answer: { status: number; body?: Buffer }): Error {
    const hint =
      answer.status === 401
        ? `the registry refused ${this.credentials.user}'s password: run \`ops run deploy-registry\` after changing it`
        : answer.status === 403
          ? `${this.credentials.user} may not do this (a system admin may; --as chooses the account)`
          : undefined;
    // The body is the server's: one line, escaped, short.
    const body = printable((answer.body ?? Buffer.alloc(0)).subarray(0, 200).toString("utf8").trim());
    return new ConnectError(
      this.host,
      `${method} ${path}: HTTP ${answer.status}${body ? ` ${body}` : ""}`,
      hint,
    );
  }

  private async call(
    method: string,
    path: string,
    ok: readonly number[],
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    let answer: HttpAnswer;
    try {
      answer = await send(this.endpoint, method, path, {
        credentials: this.credentials,
        headers,
        limits: this.limits,
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    if (ok.includes(answer.status)) return answer;
    throw this.refused(method, path, answer);
  }

  private json(answer: HttpAnswer, what: string): Record<string, unknown> {
    const doc = parseJsonObject(answer.body);
    if (typeof doc === "string") throw this.peer(`${what}: ${doc}`);
    return doc;
  }

  /**
   * The entries of a paginated list (`/v2/_catalog`, `/v2/REPO/tags/list`), page after page: by the
   * Link header when the registry sends one, else by `last`. Stops with an error at the page cap,
   * when a page is asked for twice, or when a page does not move past the one before.
   */
  private async paged(base: string, field: "repositories" | "tags", missingOk: boolean): Promise<string[]> {
    const all: string[] = [];
    const asked = new Set<string>();
    let next: string | undefined = `${base}?n=${PAGE}`;
    let previousLast: string | undefined;
    while (next !== undefined) {
      if (asked.size >= this.limits.maxPages)
        throw this.peer(
          `${base}: more than ${this.limits.maxPages} pages`,
          "--max-pages N allows more pages",
        );
      if (asked.has(next))
        throw this.peer(`${base}: the pages loop (${printable(next)} was asked for twice)`);
      asked.add(next);
      const answer = await this.call("GET", next, missingOk ? [200, 404] : [200]);
      if (answer.status === 404) return all;
      const items = stringList(this.json(answer, `GET ${next}`)[field], field);
      if (typeof items === "string") throw this.peer(`GET ${next}: ${items}`);
      const last = items[items.length - 1];
      if (last !== undefined && previousLast !== undefined && last <= previousLast)
        throw this.peer(`${base}: the pages do not advance (a page ends at '${printable(last)}' again)`);
      previousLast = last ?? previousLast;
      all.push(...items);
      next = this.nextPage(answer, base, items.length, last);
    }
    return all;
  }

  private nextPage(
    answer: HttpAnswer,
    base: string,
    count: number,
    last: string | undefined,
  ): string | undefined {
    const link = /<([^>]*)>\s*;\s*rel="?next"?/.exec(String(answer.headers.link ?? ""))?.[1];
    if (link !== undefined) {
      const url = new URL(link, this.endpoint.url);
      // A next page elsewhere would carry this account's credentials to another server.
      if (url.origin !== new URL(this.endpoint.url).origin || url.pathname !== base)
        throw this.peer(`${base}: the next page points elsewhere (${printable(link)})`);
      return `${url.pathname}${url.search}`;
    }
    return count >= PAGE && last !== undefined
      ? `${base}?n=${PAGE}&last=${encodeURIComponent(last)}`
      : undefined;
  }

  /** Every repository, following the catalog's pages. */
  async repositories(): Promise<string[]> {
    const repos = await this.paged("/v2/_catalog", "repositories", false);
    const bad = repos.find((r) => !isRepository(r));
    if (bad !== undefined)
      throw this.peer(`the catalog lists '${printable(bad)}', which is not a repository name`);
    return repos;
  }

  async tags(repo: string): Promise<string[]> {
    const tags = await this.paged(`/v2/${repo}/tags/list`, "tags", true);
    const bad = tags.find((t) => !isTag(t));
    if (bad !== undefined) throw this.peer(`${repo} lists the tag '${printable(bad)}', which is not a tag`);
    return tags.sort();
  }

  /**
   * The manifest a tag or digest names: its digest, type and stored size (an index's children
   * counted in); null when gone. Nested indexes are followed to maxDepth, at most maxManifests in all,
   * and a child that is one of its own ancestors is a cycle: an error, not a loop.
   */
  async manifest(repo: string, reference: string): Promise<ManifestInfo | null> {
    const budget = { left: this.limits.maxManifests };
    return this.walk(repo, reference, [], budget);
  }

  private async walk(
    repo: string,
    reference: string,
    ancestors: readonly string[],
    budget: { left: number },
  ): Promise<ManifestInfo | null> {
    if (ancestors.length > this.limits.maxDepth)
      throw this.peer(`${repo}@${ancestors[0]}: indexes nested deeper than ${this.limits.maxDepth}`);
    if (--budget.left < 0)
      throw this.peer(`${repo}:${printable(reference)}: more than ${this.limits.maxManifests} manifests`);
    const path = `/v2/${repo}/manifests/${reference}`;
    const answer = await this.call("GET", path, [200, 404], { Accept: MANIFEST_TYPES.join(", ") });
    if (answer.status === 404) return null;
    const doc = this.json(answer, `GET ${path}`);
    const layers = doc.layers === undefined ? [] : doc.layers;
    const manifests = doc.manifests === undefined ? [] : doc.manifests;
    if (!Array.isArray(layers) || !Array.isArray(manifests))
      throw this.peer(`GET ${path}: 'layers' or 'manifests' is not a list`);
    const parts = asDescriptorList([doc.config ?? null, ...layers]);
    const children = asDescriptorList(manifests);
    if (typeof parts === "string") throw this.peer(`GET ${path}: ${parts}`);
    if (typeof children === "string") throw this.peer(`GET ${path}: ${children}`);
    const claimed = this.claimedDigest(answer, reference);
    // A child that is this index or one of its ancestors: a cycle (checked before any content test,
    // so a registry that serves one body for every digest is named for what it does).
    const cycle = children.find((c) => c.digest === claimed || ancestors.includes(c.digest));
    if (cycle !== undefined)
      throw this.peer(`${repo}: the index ${printable(cycle.digest)} lists itself (a cycle)`);
    const digest = this.verified(answer, claimed, path);
    let size = parts.reduce((s, d) => s + d.size, 0);
    for (const child of children)
      size += (await this.walk(repo, child.digest, [...ancestors, digest], budget))?.size ?? 0;
    const mediaType =
      typeof doc.mediaType === "string" ? doc.mediaType : String(answer.headers["content-type"] ?? "");
    return { digest, mediaType: printable(mediaType), size };
  }

  /** The digest the registry claims for an answer (its header), else the one asked for, if any. */
  private claimedDigest(answer: HttpAnswer, reference: string): string | undefined {
    const header = answer.headers["docker-content-digest"];
    if (typeof header === "string" && isDigest(header)) return header;
    return isDigest(reference) ? reference : undefined;
  }

  /** The manifest's digest: the claimed one when the content matches it (sha256), else computed. */
  private verified(answer: HttpAnswer, claimed: string | undefined, path: string): string {
    const computed = `sha256:${createHash("sha256").update(answer.body).digest("hex")}`;
    if (claimed?.startsWith("sha256:") && claimed !== computed)
      throw this.peer(`GET ${path}: the content does not match the digest ${printable(claimed)}`);
    return claimed ?? computed;
  }

  /** Deletes a manifest by digest (every tag pointing at it goes with it). */
  async deleteManifest(repo: string, digest: string): Promise<void> {
    await this.call("DELETE", `/v2/${repo}/manifests/${digest}`, [202]);
  }

  /**
   * The rotated audit logs there are (audit.log.N, see audit-rotation.ts), oldest first: nginx's
   * JSON listing of the log folder. Anything else in the folder, or an odd entry, is ignored.
   */
  async auditParts(): Promise<number[]> {
    const answer = await this.call("GET", "/ops/audit/", [200]);
    let doc: unknown;
    try {
      doc = JSON.parse(answer.body.toString("utf8"));
    } catch {
      return [];
    }
    if (!Array.isArray(doc)) return [];
    const parts = doc.flatMap((e: unknown) => {
      const name = typeof e === "object" && e !== null ? (e as { name?: unknown }).name : undefined;
      const m = typeof name === "string" ? /^audit\.log\.([1-9][0-9]?)$/.exec(name) : null;
      return m?.[1] !== undefined ? [Number(m[1])] : [];
    });
    return parts.sort((a, b) => b - a);
  }

  /**
   * The audit log, as nginx wrote it (one JSON object per line), read as a stream of lines; `part`
   * N reads the rotated audit.log.N.
   */
  async auditLines(part?: number): Promise<AsyncIterable<string>> {
    const path = part === undefined ? "/ops/audit" : `/ops/audit/${part}`;
    let answer;
    try {
      answer = await sendLines(this.endpoint, "GET", path, {
        credentials: this.credentials,
        limits: {
          ...this.limits,
          deadlineMs: this.limits.auditDeadlineMs,
          maxBytes: this.limits.auditMaxBytes,
        },
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    if (answer.status !== 200) {
      // Only a short, escaped start of a refusal's body is kept.
      let body = "";
      for await (const line of answer.lines) if ((body += `${line} `).length > 200) break;
      throw this.refused("GET", path, { status: answer.status, body: Buffer.from(body) });
    }
    const lines = answer.lines;
    const wrap = (err: unknown) => this.unreachable(err);
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* lines;
        } catch (err) {
          throw wrap(err);
        }
      },
    };
  }
}
