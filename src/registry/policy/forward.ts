/**
 * Sends a request the service decided to let through on to the registry, unchanged but for the
 * hop-by-hop headers and the service's own, and relays the answer. The body is either bytes already
 * read (a manifest) or the client's stream (an upload commit), never buffered whole.
 */
import { request, type IncomingMessage, type ServerResponse } from "node:http";

/** Headers that describe one connection, not the request (RFC 9110 7.6.1), and ours. */
const HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "upgrade",
  "x-ops-user",
]);

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

/**
 * Cancels an upload the service refused to commit (DELETE on the same URL, whose `_state` the
 * registry checks), so its bytes do not wait a week for the registry's upload purging.
 */
export function cancelUpload(upstream: Upstream, req: IncomingMessage): Promise<number> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    for (const k of ["host", "x-forwarded-proto", "x-forwarded-host"])
      if (typeof req.headers[k] === "string") headers[k] = req.headers[k];
    const del = request(
      { host: upstream.host, port: upstream.port, method: "DELETE", path: req.url, headers },
      (answer) => {
        answer.resume();
        answer.on("end", () => resolve(answer.statusCode ?? 0));
      },
    );
    del.setTimeout(10_000, () => del.destroy());
    del.on("error", () => resolve(0));
    del.end();
  });
}

/**
 * Forwards `req` to `upstream` and pipes the answer into `res`; resolves with the status. `before`
 * runs once the registry answered and before the client hears it (an event reaches the disk first,
 * so a client told 201 has its event queued); it must not reject.
 */
export function forward(
  upstream: Upstream,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer | null,
  before: (status: number) => Promise<void> = () => Promise.resolve(),
): Promise<{ status: number; headers: IncomingMessage["headers"] }> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
  if (body !== null) {
    delete headers["transfer-encoding"];
    headers["content-length"] = String(body.length);
  }
  return new Promise((resolve, reject) => {
    const up = request(
      { host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
        answer.on("end", () => resolve({ status, headers: answer.headers }));
        answer.on("error", reject);
        void before(status).then(() => {
          res.writeHead(status, out);
          answer.pipe(res);
        });
      },
    );
    up.on("error", reject);
    if (body !== null) up.end(body);
    else req.pipe(up);
  });
}
