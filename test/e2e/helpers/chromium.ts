/**
 * Opens a local HTML file in headless Chromium (Debian's package) and takes a screenshot, with
 * every network request the page makes sent to a recording proxy on loopback: a page with no
 * external assets makes none. The proxy answers 502 to everything, so nothing leaves the machine.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { Socket } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * What Chromium asks for on its own, whatever the page (its component updater and sign-in service,
 * which no flag turns off): listed exactly, so anything a page asks for is still seen.
 */
const BROWSER_OWN = [
  /^CONNECT (update\.googleapis\.com|accounts\.google\.com):443$/,
  /^http:\/\/update\.googleapis\.com\/service\/update2\//,
];

export interface Rendered {
  /** URLs the page asked the network for (through the proxy), Chromium's own requests left out. */
  requests: string[];
  screenshot: string;
}

export async function renderPage(file: string, screenshot: string, size = "1400,1000"): Promise<Rendered> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const proxy = createServer((req, res) => {
    requests.push(req.url ?? "?");
    res.writeHead(502).end();
  });
  proxy.on("connect", (req, socket: Socket) => {
    requests.push(`CONNECT ${req.url ?? "?"}`);
    socket.on("error", () => undefined);
    socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
  });
  // Chromium resets connections it gives up on: that is its business, not a failure of the test.
  proxy.on("connection", (s: Socket) => {
    s.on("error", () => undefined);
    sockets.add(s);
  });
  proxy.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  const a = proxy.address();
  const port = typeof a === "object" && a ? a.port : 0;
  try {
    await run(
      "chromium",
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--no-pings",
        "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,NetworkTimeServiceQuerying,AccountConsistency,ChromeWhatsNewUI",
        "--no-first-run",
        `--proxy-server=http://127.0.0.1:${port}`,
        // Loopback too goes through the proxy, so no request can slip by.
        "--proxy-bypass-list=<-loopback>",
        `--window-size=${size}`,
        `--screenshot=${screenshot}`,
        `file://${file}`,
      ],
      { timeout: 90_000 },
    );
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => proxy.close(r));
  }
  return { requests: requests.filter((r) => !BROWSER_OWN.some((re) => re.test(r))), screenshot };
}
