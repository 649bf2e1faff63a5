/**
 * Peers that misbehave, on 127.0.0.1 only: an HTTP server (a registry, a webhook) driven by a
 * handler, and a TCP server (a PostgreSQL speaker) driven by a connection handler. Each counts its
 * requests and closes every socket on close(), so a test never leaves anything running.
 */
import { createHash } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";

export interface FakePeer {
  readonly url: string;
  readonly port: number;
  /** Requests (HTTP) or connections (TCP) received. */
  readonly count: () => number;
  /** When the first request or connection arrived (Date.now()), to time a client from there. */
  readonly firstAt: () => number | undefined;
  close(): Promise<void>;
}

/** @example const reg = await fakeHttp((req, res) => res.end("{}")); ...; await reg.close(); */
export async function fakeHttp(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<FakePeer> {
  let n = 0;
  let first: number | undefined;
  const server = createHttpServer((req, res) => {
    n++;
    first ??= Date.now();
    // A client that gives up must not crash the peer.
    res.on("error", () => undefined);
    handler(req, res);
  });
  server.on("clientError", (_e, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    count: () => n,
    firstAt: () => first,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** @example const db = await fakeTcp((socket) => socket.once("data", () => socket.write(errorPacket))); */
export async function fakeTcp(onConnection: (socket: Socket) => void): Promise<FakePeer> {
  let n = 0;
  let first: number | undefined;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    n++;
    first ??= Date.now();
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `tcp://127.0.0.1:${port}`,
    port,
    count: () => n,
    firstAt: () => first,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Sends 1 byte every `everyMs` until the client goes away (or `max` bytes). */
export function drip(res: ServerResponse, everyMs: number, byte = " ", max = 10_000): void {
  res.writeHead(200, { "content-type": "application/json" });
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || ++sent > max) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(byte);
  }, everyMs);
  res.on("close", () => clearInterval(timer));
}

/**
 * Streams `total` bytes of a JSON catalog without a Content-Length, as fast as the client reads,
 * stopping when it goes away.
 */
export function endlessCatalog(res: ServerResponse, total: number, declare = false): void {
  res.writeHead(200, {
    "content-type": "application/json",
    ...(declare ? { "content-length": String(total) } : {}),
  });
  const chunk = Buffer.from(`"${"a".repeat(1 << 16)}",`);
  let sent = 0;
  res.write('{"repositories":[');
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    res.end();
  };
  res.on("close", () => (sent = total));
  pump();
}

/** The PostgreSQL ErrorResponse message ('E') with severity, code and message fields. */
export function pgError(message: string, code = "28000"): Buffer {
  const fields = Buffer.concat([Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0`), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write("E", 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

/** AuthenticationOk ('R', 0) then ReadyForQuery ('Z', idle): a server that lets anyone in. */
export function pgReady(): Buffer {
  const auth = Buffer.alloc(9);
  auth.write("R", 0);
  auth.writeInt32BE(8, 1);
  auth.writeInt32BE(0, 5);
  const ready = Buffer.alloc(6);
  ready.write("Z", 0);
  ready.writeInt32BE(5, 1);
  ready.write("I", 5);
  return Buffer.concat([auth, ready]);
}

export const sha256 = (data: string | Buffer): string =>
  `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** An inventory whose registry host is the fake registry (plain HTTP, one admin account). */
export function registryInventory(port: number): string {
  return [
    "all:",
    "  children:",
    "    registry:",
    "      hosts:",
    "        reg:",
    "          ansible_host: 127.0.0.1",
    "  vars:",
    "    registry_tls: false",
    `    registry_port: ${port}`,
    "    registry_users:",
    '      - { name: root, password: "secret-pass-1", admin: true }',
    "",
  ].join("\n");
}
