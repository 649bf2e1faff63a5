/**
 * The policy service: the decision point beside nginx that knows the clock and the storage (see
 * docs/REGISTRY.md, "The policy service"). nginx asks it about accounts that expire (`/_ops_auth`, a
 * credential nginx has verified) and sends it the writes that need a decision (manifest PUT and
 * DELETE, the commit of an upload), after the project roles allowed them. It refuses with an OCI
 * error and stores nothing, or forwards the request to the registry and relays the answer. It also
 * emits webhook events and serves /metrics. Whatever it cannot read it refuses (fail closed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { accountVerdict } from "./accounts.js";
import { ConfigSource } from "./config-source.js";
import { deleteVerdict, errorBody, immutableVerdict, quotaVerdict, type Verdict } from "./decide.js";
import { cancelUpload, forward, type Upstream } from "./forward.js";
import { manifestDescriptors, manifestDigest, ManifestError, type Descriptor } from "./manifest.js";
import { Metrics } from "./metrics.js";
import { scrape } from "./scrape.js";
import { Storage } from "./storage.js";
import { classify } from "./request-path.js";
import { DELIVERY, WebhookQueue, type WebhookEvent } from "./webhooks.js";
import { JobStore } from "./webhook-store.js";
import type { EventType } from "./config.js";
import { GRANTS_FILE, parseGrants } from "../portal/grants.js";
import { portalRoutes } from "../portal/service.js";
import { Sessions } from "../portal/session.js";
import { storageStore } from "../portal/store.js";

/** Distribution refuses larger manifests; so does the service, before reading further. */
export const MANIFEST_MAX = 4 * 1024 * 1024;

export interface PolicyServerOptions {
  readonly configFile: string;
  /** The registry's storage root, mounted read-only. */
  readonly storageRoot: string;
  readonly registry: Upstream;
  /** Distribution's own metrics, appended to /metrics (empty: none). */
  readonly registryMetricsUrl: string;
  /** Where the webhook queue is kept across restarts (empty or absent: in memory only). */
  readonly stateDir?: string;
  readonly now?: () => number;
  readonly queue?: WebhookQueue;
  readonly metrics?: Metrics;
}

export interface PolicyService {
  readonly server: Server;
  readonly queue: WebhookQueue;
  readonly metrics: Metrics;
}

const DECISIONS = "ops_policy_decisions_total";
const DECISIONS_HELP = "writes the service decided on, by action and result (allowed, or the reason refused)";

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body);
}

function refuse(res: ServerResponse, v: Extract<Verdict, { ok: false }>): void {
  send(res, v.reason === "storage" ? 500 : 403, errorBody(v), {
    "docker-distribution-api-version": "registry/2.0",
  });
}

/** Reads a request body up to `max` bytes; null when it is longer. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function createPolicyService(options: PolicyServerOptions): PolicyService {
  const now = options.now ?? Date.now;
  const metrics = options.metrics ?? new Metrics();
  const config = new ConfigSource(options.configFile);
  // A queued event names its webhook; its URL and secret are read from policy.json when it is sent.
  const queue =
    options.queue ??
    new WebhookQueue(metrics, DELIVERY, {
      store: options.stateDir ? new JobStore(options.stateDir) : null,
      lookup: (project, name) =>
        config.current().webhooks.find((h) => h.project === project && h.name === name),
    });
  const storage = new Storage(options.storageRoot);
  // The portal's routes (sessions, a project's page of the catalog), reached only through nginx.
  const grants = new ConfigSource(join(dirname(options.configFile), GRANTS_FILE), parseGrants);
  const portal = portalRoutes(new Sessions(now), storageStore(storage), () => grants.current());

  const count = (action: string, v: Verdict): void =>
    metrics.inc(DECISIONS, DECISIONS_HELP, { action, result: v.ok ? "allowed" : v.reason });

  /** Runs `decide`; a storage or config failure is a refusal that says so. */
  const guarded = (decide: () => Verdict): Verdict => {
    try {
      return decide();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      process.stderr.write(`ops-policy: cannot decide: ${message}\n`);
      return {
        ok: false,
        reason: "storage",
        message: "the registry's policy could not be evaluated",
        detail: "see the policy service's log",
      };
    }
  };

  /** Queues an event; resolves once it is on disk (bounded wait), never rejects. */
  const emit = async (
    type: EventType,
    project: string,
    operator: string,
    data: WebhookEvent["data"],
  ): Promise<void> => {
    try {
      await queue.emit(config.current().webhooks, { type, project, operator, data, at: now() });
    } catch (e) {
      process.stderr.write(`ops-policy: event not queued: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };

  const artifact = (
    req: IncomingMessage,
    repository: string,
    project: string,
    digest: string,
    tag?: string,
  ) => {
    // nginx sets Host to the registry's name; a client's X-Forwarded-Host is never trusted.
    const host = req.headers.host ?? "";
    return {
      resources: [
        {
          digest,
          tag: tag ?? "",
          resource_url: `${String(host)}/${repository}${tag !== undefined ? `:${tag}` : `@${digest}`}`,
        },
      ],
      repository: {
        name: repository.slice(project.length + 1),
        namespace: project,
        repo_full_name: repository,
      },
    };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const user = String(req.headers["x-ops-user"] ?? "");
    if (await portal(req, res)) return;
    if (req.method === "GET" && url === "/health") return send(res, 200, "ok\n");
    if (req.method === "GET" && url.startsWith("/_ops_auth")) {
      const v = accountVerdict(config.current(), user, now());
      metrics.inc("ops_policy_logins_total", "credential checks of accounts that expire", {
        result: v.ok ? "valid" : "expired",
      });
      if (v.ok) {
        res.writeHead(204);
        return void res.end();
      }
      return send(res, 401, "", { "x-ops-detail": v.detail });
    }
    if (req.method === "GET" && url === "/metrics") {
      const text = await scrape({
        metrics,
        config: config.current(),
        storage,
        now: now(),
        registryMetricsUrl: options.registryMetricsUrl,
        queue,
      });
      return send(res, 200, text, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    }
    const route = classify(req.method ?? "", url);
    if (route === null)
      return send(
        res,
        404,
        `${JSON.stringify({ errors: [{ code: "UNSUPPORTED", message: "not a request the policy service decides", detail: url.slice(0, 200) }] })}\n`,
      );
    const project = route.repository.split("/")[0] ?? "";
    const rules = config.current().projects.find((p) => p.name === project);

    if (route.kind === "manifest-put") {
      const body = await readBody(req, MANIFEST_MAX);
      if (body === null)
        return send(
          res,
          413,
          `${JSON.stringify({ errors: [{ code: "SIZE_INVALID", message: "manifest too large", detail: `at most ${MANIFEST_MAX} bytes` }] })}\n`,
        );
      const digest = manifestDigest(body);
      const tag = route.reference.startsWith("sha256:") ? undefined : route.reference;
      let v = guarded(() =>
        immutableVerdict(
          rules,
          route.repository,
          tag,
          tag === undefined ? null : storage.tagDigest(route.repository, tag),
          digest,
        ),
      );
      if (v.ok) {
        v = guarded(() => {
          let refs: Descriptor[];
          try {
            refs = manifestDescriptors(body.toString("utf8"));
          } catch (e) {
            // Not ours to judge: the registry refuses what it cannot parse.
            if (e instanceof ManifestError) refs = [];
            else throw e;
          }
          return quotaVerdict(rules, rules?.quota == null ? new Map() : storage.projectContent(project), [
            { digest, size: body.length },
            ...refs,
          ]);
        });
      }
      count("push", v);
      if (!v.ok) {
        if (v.reason === "quota")
          await emit("QUOTA_EXCEED", project, user, {
            ...artifact(req, route.repository, project, digest, tag),
            details: v.detail,
          });
        return refuse(res, v);
      }
      await forward(options.registry, req, res, body, (status) =>
        status === 201 && tag !== undefined
          ? emit("PUSH_ARTIFACT", project, user, artifact(req, route.repository, project, digest, tag))
          : Promise.resolve(),
      );
      return;
    }
    if (route.kind === "manifest-delete") {
      const v = guarded(() =>
        deleteVerdict(rules, route.repository, storage.tags(route.repository), route.reference),
      );
      count("delete", v);
      if (!v.ok) return refuse(res, v);
      await forward(options.registry, req, res, null, (status) =>
        status === 202
          ? emit("DELETE_ARTIFACT", project, user, artifact(req, route.repository, project, route.reference))
          : Promise.resolve(),
      );
      return;
    }
    // The commit of an upload: its bytes are in the upload folder already, the PUT may add a last chunk.
    const declared = Number(req.headers["content-length"] ?? "0");
    const v = guarded(() => {
      if (route.digest === undefined || rules?.quota == null) return { ok: true, added: 0 } as Verdict;
      // No upload folder: the registry will answer BLOB_UPLOAD_UNKNOWN; the body still counts.
      const held = storage.uploadSize(route.repository, route.reference) ?? 0;
      return quotaVerdict(rules, storage.projectContent(project), [
        { digest: route.digest, size: held + (Number.isFinite(declared) ? declared : 0) },
      ]);
    });
    count("upload", v);
    if (!v.ok) {
      req.resume();
      if (v.reason === "quota") await cancelUpload(options.registry, req);
      if (v.reason === "quota")
        await emit("QUOTA_EXCEED", project, user, {
          ...artifact(req, route.repository, project, route.digest ?? ""),
          details: v.detail,
        });
      return refuse(res, v);
    }
    await forward(options.registry, req, res, null);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      process.stderr.write(
        `ops-policy: ${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      if (!res.headersSent)
        send(
          res,
          502,
          `${JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "the registry did not answer the policy service", detail: "retry later" }] })}\n`,
        );
      else res.destroy();
    });
  });
  return { server, queue, metrics };
}
