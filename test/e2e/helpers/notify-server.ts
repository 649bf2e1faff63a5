/**
 * An HTTP server that records the JSON messages posted to it, listening on one address only (the
 * lab bridge's gateway, so lab hosts reach it, or loopback). Stops with the test.
 */
import { createServer, type Server } from "node:http";

export interface NotifyServer {
  url: string;
  messages: unknown[];
  close(): Promise<void>;
}

export async function startNotifyServer(address: string): Promise<NotifyServer> {
  const messages: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      try {
        messages.push(JSON.parse(body));
      } catch {
        messages.push({ unparsed: body });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, address, resolve);
  });
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return {
    url: `http://${address}:${port}/ops-hook`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
