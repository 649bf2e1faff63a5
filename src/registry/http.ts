/**
 * One HTTP(S) request to the registry, from the control machine, trusting exactly the CA given
 * (ops's own CA by default: nothing is added to the system's trust). Credentials travel in the
 * Authorization header only, never in a URL, argv or a log line.
 *
 * Every request is bounded, whatever the server does: a total deadline, an idle timeout (no byte
 * for that long while connecting or reading), and a byte cap on the answer. A server that streams
 * forever, drips one byte at a time or never answers ends in a LimitError naming the bound and its
 * value; large answers (the audit log) are read as a stream of lines, never as one string.
 */
import {
  request as httpRequest,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { DEFAULT_LIMITS, type Limits } from "./limits.js";

export { DEFAULT_LIMITS, type Limits };

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
  readonly limits?: Partial<Limits>;
}

/** A bound was reached: the server was too slow, too quiet or too large. */
export class LimitError extends Error {
  constructor(
    readonly limit: "deadline" | "idle" | "bytes" | "line",
    message: string,
  ) {
    super(message);
  }
}

interface Opened {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body in chunks, each counted against the byte cap; ends in the bound's error when one is hit. */
  readonly chunks: AsyncIterable<Buffer>;
}

const seconds = (ms: number) => `${ms / 1000} s`;

/** The TLS server name to send: a DNS name, never an address (an IPv6 URL host keeps its brackets). */
const sniName = (host: string): { servername?: string } =>
  isIP(host.replace(/^\[|\]$/g, "")) === 0 ? { servername: host } : {};

/** Sends the request and arms its bounds; resolves when the status line and headers arrive. */
function open(endpoint: Endpoint, method: string, path: string, o: RequestOptions): Promise<Opened> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.limits };
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
    // Never reuse a socket: a misbehaving answer must not leave anything that keeps the process alive.
    agent: false as const,
    // SNI carries names only (RFC 6066): for an address, Node checks the certificate's IP SANs itself
    // and warns (DEP0123) when given the address as a server name.
    ...(url.protocol === "https:"
      ? {
          ca: endpoint.ca,
          ...sniName(endpoint.servername ?? url.hostname),
          rejectUnauthorized: true,
        }
      : {}),
  };
  const make = url.protocol === "https:" ? httpsRequest : httpRequest;
  const what = `${method} ${url.origin}${path}`;
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    let idle: NodeJS.Timeout | undefined;
    const req: ClientRequest = make(options, (res) => {
      quiet();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks: read(res) });
    });
    const fail = (err: Error) => {
      failure ??= err;
      req.destroy(failure);
    };
    const done = () => {
      clearTimeout(total);
      clearTimeout(idle);
    };
    const quiet = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () => fail(new LimitError("idle", `${what}: no data for ${seconds(limits.idleMs)} (--idle-timeout)`)),
        limits.idleMs,
      );
    };
    const total = setTimeout(
      () =>
        fail(
          new LimitError(
            "deadline",
            `${what}: no complete answer in ${seconds(limits.deadlineMs)} (--timeout)`,
          ),
        ),
      limits.deadlineMs,
    );
    quiet();
    async function* read(res: IncomingMessage): AsyncGenerator<Buffer> {
      const declared = Number(res.headers["content-length"] ?? NaN);
      const tooBig = () =>
        new LimitError("bytes", `${what}: the answer is larger than ${limits.maxBytes} bytes (--max-bytes)`);
      try {
        if (declared > limits.maxBytes) throw tooBig();
        let bytes = 0;
        quiet();
        for await (const chunk of res as AsyncIterable<Buffer>) {
          quiet();
          bytes += chunk.length;
          if (bytes > limits.maxBytes) throw tooBig();
          yield chunk;
        }
        if (failure) throw failure;
      } catch (err) {
        throw failure ?? err;
      } finally {
        done();
        // Whether read to the end, stopped by a bound or abandoned by the reader: the socket closes.
        res.destroy();
        req.destroy();
      }
    }
    req.on("error", (err) => {
      done();
      reject(failure ?? err);
    });
    req.end(o.body);
  });
}

/**
 * Sends `method path` (the path is sent exactly as given, not normalised) and reads the answer whole,
 * within the byte cap.
 *
 * @example await send(endpoint, "GET", "/v2/_catalog", { credentials: { user: "root", password } })
 */
export async function send(
  endpoint: Endpoint,
  method: string,
  path: string,
  o: RequestOptions = {},
): Promise<HttpAnswer> {
  const opened = await open(endpoint, method, path, o);
  const chunks: Buffer[] = [];
  for await (const c of opened.chunks) chunks.push(c);
  return { status: opened.status, headers: opened.headers, body: Buffer.concat(chunks) };
}

export interface LineStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body's lines (without `\n`); the byte cap counts the whole body. */
  readonly lines: AsyncIterable<string>;
}

/**
 * Sends `method path` and reads the answer as lines, holding one line at a time: a log of any size
 * is read in bounded memory. A line longer than `maxLineBytes` is an error (no log writes one).
 *
 * @example for await (const line of (await sendLines(ep, "GET", "/ops/audit", o)).lines) parse(line)
 */
export async function sendLines(
  endpoint: Endpoint,
  method: string,
  path: string,
  o: RequestOptions & { maxLineBytes?: number } = {},
): Promise<LineStream> {
  const opened = await open(endpoint, method, path, o);
  const maxLine = o.maxLineBytes ?? 64 * 1024;
  async function* lines(): AsyncGenerator<string> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of opened.chunks) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        pending.push(chunk.subarray(from, nl));
        yield Buffer.concat(pending).toString("utf8");
        pending = [];
        pendingBytes = 0;
        from = nl + 1;
      }
      const rest = chunk.subarray(from);
      pendingBytes += rest.length;
      if (pendingBytes > maxLine)
        throw new LimitError("line", `${method} ${path}: a line longer than ${maxLine} bytes`);
      if (rest.length > 0) pending.push(rest);
    }
    if (pendingBytes > 0) yield Buffer.concat(pending).toString("utf8");
  }
  return { status: opened.status, headers: opened.headers, lines: lines() };
}
