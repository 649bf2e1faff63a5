/**
 * One HTTP(S) request to the registry, from the control machine, trusting exactly the CA given
 * (ops's own CA by default: nothing is added to the system's trust). Credentials travel in the
 * Authorization header only, never in a URL, argv or a log line.
 */
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";

export interface Endpoint {
  /** `https://registry.lan:443` or `http://10.0.0.5:5000`. */
  readonly url: string;
  /** PEM of the CA to trust; undefined: the system's CAs. */
  readonly ca?: string;
  /** TLS server name when it differs from the URL's host (tests reach a container by address). */
  readonly servername?: string;
}

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly credentials?: Credentials;
  readonly timeoutMs?: number;
}

/**
 * Sends `method path` (the path is sent exactly as given, not normalised) and reads the answer whole.
 *
 * @example await send(endpoint, "GET", "/v2/_catalog", { credentials: { user: "root", password } })
 */
export function send(
  endpoint: Endpoint,
  method: string,
  path: string,
  o: RequestOptions = {},
): Promise<HttpAnswer> {
  const url = new URL(endpoint.url);
  const headers: Record<string, string> = { ...o.headers };
  if (o.credentials) {
    const token = Buffer.from(`${o.credentials.user}:${o.credentials.password}`).toString("base64");
    headers.Authorization = `Basic ${token}`;
  }
  if (o.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(o.body));
  const options = {
    method,
    host: url.hostname,
    port: url.port === "" ? undefined : Number(url.port),
    path,
    headers,
    timeout: o.timeoutMs ?? 30_000,
    ...(url.protocol === "https:"
      ? { ca: endpoint.ca, servername: endpoint.servername ?? url.hostname, rejectUnauthorized: true }
      : {}),
  };
  const make = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = make(options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url.origin}${path}: no answer in time`)));
    req.on("error", reject);
    req.end(o.body);
  });
}
