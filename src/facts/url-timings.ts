/**
 * How long the HOST takes to fetch each of several URLs (a small file each), all fetched at once
 * with bounded timeouts, so timing five mirrors costs one round trip and at most a few seconds
 * even when most of them cannot be reached. Used to choose mirrors by measurement.
 */
import { FactError } from "../errors.js";
import { quote } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { lines } from "./text.js";

export interface UrlTiming {
  readonly url: string;
  /** The server answered (whatever its HTTP status). */
  readonly reached: boolean;
  /** The HTTP status, when the tool says it (curl always does). */
  readonly httpCode: number | null;
  /** Time to the end of the response (or to the failure), in milliseconds. */
  readonly ms: number | null;
  /** Why it was not reached, in words. */
  readonly error?: string;
}

const NAME = "url-timings";

const CURL_ERRORS: Readonly<Record<number, string>> = {
  5: "cannot resolve the proxy",
  6: "cannot resolve the host name",
  7: "connection refused or no route to the host",
  28: "timed out",
  35: "TLS handshake failed",
  52: "the server closed the connection without an answer",
  56: "the connection was reset",
  60: "the server's certificate is not trusted",
};

const WGET_ERRORS: Readonly<Record<number, string>> = {
  4: "network failure (refused, unresolved or timed out)",
  5: "TLS handshake failed",
};

function describe(tool: string, rc: number, timeoutSeconds: number): string {
  const known = tool === "curl" ? CURL_ERRORS[rc] : WGET_ERRORS[rc];
  if (rc === 28 && tool === "curl") return `timed out after ${timeoutSeconds} s`;
  return known ?? `${tool} exited ${rc}`;
}

/** Parses `tool NAME`, then one `INDEX RC HTTPCODE SECONDS` (curl) or `INDEX RC - START END` (wget) line per URL. */
export function parseUrlTimings(
  urls: readonly string[],
  timeoutSeconds: number,
  stdout: string,
): UrlTiming[] {
  const all = lines(stdout);
  const head = all[0] ?? "";
  if (head.startsWith("error ")) {
    const why = head === "error no-tool" ? "neither curl nor wget is installed" : head.slice(6);
    return urls.map((url) => ({ url, reached: false, httpCode: null, ms: null, error: why }));
  }
  const tool = /^tool (curl|wget)$/.exec(head)?.[1];
  if (!tool) throw new FactError(NAME, `unexpected output "${head.slice(0, 80)}"`);
  const rows = new Map<number, string[]>();
  for (const line of all.slice(1)) {
    const words = line.trim().split(/\s+/);
    rows.set(Number(words[0]), words.slice(1));
  }
  return urls.map((url, i) => {
    const row = rows.get(i);
    if (!row) return { url, reached: false, httpCode: null, ms: null, error: "the fetch printed nothing" };
    const rc = Number(row[0]);
    let httpCode: number | null = null;
    let ms: number | null = null;
    if (tool === "curl") {
      const code = Number(row[1]);
      httpCode = Number.isInteger(code) && code > 0 ? code : null;
      const seconds = Number(row[2]);
      ms = Number.isFinite(seconds) ? Math.round(seconds * 1000) : null;
    } else {
      const [start, end] = [row[2] ?? "", row[3] ?? ""];
      // busybox date has no %N: then the time is unknown rather than wrong.
      if (/^\d{10,}$/.test(start) && /^\d{10,}$/.test(end))
        ms = Math.round((Number(end) - Number(start)) / 1e6);
      // wget exits 8 when the server answered with an error status: reached, status unknown.
      if (rc === 0) httpCode = 200;
    }
    const reached = tool === "curl" ? rc === 0 : rc === 0 || rc === 8;
    return reached
      ? { url, reached, httpCode, ms }
      : { url, reached, httpCode, ms, error: describe(tool, rc, timeoutSeconds) };
  });
}

/**
 * @param timeoutSeconds each fetch's bound: a connection that does not open in this time is given
 *   up, and a whole fetch never takes more than twice as long.
 * @example urlTimings(["https://download.docker.com/linux/centos/9/x86_64/stable/repodata/repomd.xml"])
 */
export function urlTimings(urls: readonly string[], timeoutSeconds = 3): Fact<UrlTiming[]> {
  if (urls.length === 0) throw new FactError(NAME, "url-timings needs at least one URL");
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 60) {
    throw new FactError(NAME, `the timeout must be 1..60 seconds, got ${timeoutSeconds}`);
  }
  // A URL that starts with "-" would read as an option; only http(s) URLs are fetched.
  for (const url of urls) {
    if (!/^https?:\/\/[^\s'"\\]+$/.test(url)) throw new FactError(NAME, `"${url}" is not an http(s) URL`);
  }
  const max = timeoutSeconds * 2;
  const probe = [
    'd=$(mktemp -d 2>/dev/null) || { echo "error mktemp failed"; exit 0; }',
    "if command -v curl >/dev/null 2>&1; then tool=curl; elif command -v wget >/dev/null 2>&1; then tool=wget;",
    'else echo "error no-tool"; rm -rf "$d"; exit 0; fi',
    'echo "tool $tool"',
    "ops_fetch() {",
    '  if [ "$tool" = curl ]; then',
    `    r=$(curl -s -o /dev/null --connect-timeout ${timeoutSeconds} --max-time ${max} -w '%{http_code} %{time_total}' "$2" 2>/dev/null); rc=$?`,
    '    printf \'%s %s %s\\n\' "$1" "$rc" "$r" >"$d/$1"',
    "  else",
    `    s=$(date +%s%N); wget -q -O /dev/null -T ${timeoutSeconds} -t 1 "$2" >/dev/null 2>&1; rc=$?; e=$(date +%s%N)`,
    '    printf \'%s %s - %s %s\\n\' "$1" "$rc" "$s" "$e" >"$d/$1"',
    "  fi",
    "}",
    ...urls.map((url, i) => `ops_fetch ${i} ${quote(url)} &`),
    "wait",
    'cat "$d"/* 2>/dev/null; rm -rf "$d"',
  ].join("\n");
  return {
    name: `${NAME}:${timeoutSeconds}:${urls.join(" ")}`,
    probe,
    parse: (stdout) => parseUrlTimings(urls, timeoutSeconds, stdout),
  };
}
