/**
 * Host lists as people type them: one address (or several) per line, with Ansible's ranges
 * (`10.0.0.[10:19]`, zero-padded `web[01:50]`, letters `db-[a:f]`, a stride `[0:20:5]`). Pure.
 */
import { isIPv6 } from "node:net";
import { ConfigError } from "../errors.js";

/** More hosts than this from one list is a typo (`[1:100000]`), not a fleet ops init should probe. */
export const MAX_EXPANDED_HOSTS = 4096;

/** One address the wizard will probe: where to connect, and the line it came from. */
export interface HostAddress {
  address: string;
  port: number;
  /** 1-based line of the list (or of the answers file entry) it came from. */
  line: number;
}

const RANGE = /\[([^\]]*)\]/;
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The values of one `beg:end[:step]` range, as Ansible expands them. */
function rangeValues(spec: string): string[] {
  const parts = spec.split(":");
  if (parts.length < 2 || parts.length > 3) {
    throw new Error(`[${spec}] is not a range: write [begin:end] or [begin:end:step]`);
  }
  const [rawBeg = "", end = "", rawStep = "1"] = parts;
  const beg = rawBeg === "" ? "0" : rawBeg;
  if (end === "") throw new Error(`[${spec}] has no end`);
  if (!/^[0-9]+$/.test(rawStep) || Number(rawStep) < 1) {
    throw new Error(`[${spec}]: the step must be a whole number of at least 1`);
  }
  const step = Number(rawStep);
  if (/^[0-9]+$/.test(beg) && /^[0-9]+$/.test(end)) {
    // Ansible: a begin with a leading zero fixes the width, and the end must be written as wide.
    const width = beg.length > 1 && beg.startsWith("0") ? beg.length : 0;
    if (width > 0 && end.length !== width) {
      throw new Error(`[${spec}]: a zero-padded range needs begin and end of the same width`);
    }
    const from = Number(beg);
    const to = Number(end);
    if (from > to) throw new Error(`[${spec}]: the begin is after the end`);
    if ((to - from) / step + 1 > MAX_EXPANDED_HOSTS) {
      throw new Error(`[${spec}] makes more than ${MAX_EXPANDED_HOSTS} hosts`);
    }
    const out: string[] = [];
    for (let n = from; n <= to; n += step) out.push(String(n).padStart(width, "0"));
    return out;
  }
  const from = LETTERS.indexOf(beg);
  const to = LETTERS.indexOf(end);
  if (beg.length !== 1 || end.length !== 1 || from < 0 || to < 0) {
    throw new Error(`[${spec}]: a range is numbers ([1:9], [01:50]) or single letters ([a:f])`);
  }
  if (from > to) throw new Error(`[${spec}]: the begin is after the end`);
  const out: string[] = [];
  for (let i = from; i <= to; i += step) out.push(LETTERS[i] ?? "");
  return out;
}

/**
 * Expands every range of one pattern, left to right (the cartesian product of all of them).
 * Throws a plain Error saying what is wrong; `parseHostList` adds the line.
 *
 * @example expandHostPattern("10.0.0.[8:10]") // ["10.0.0.8", "10.0.0.9", "10.0.0.10"]
 * @example expandHostPattern("web[01:02]-[a:b]") // ["web01-a", "web01-b", "web02-a", "web02-b"]
 */
export function expandHostPattern(pattern: string): string[] {
  const m = RANGE.exec(pattern);
  if (!m) {
    if (pattern.includes("[") || pattern.includes("]")) throw new Error(`unbalanced bracket in ${pattern}`);
    return [pattern];
  }
  const head = pattern.slice(0, m.index);
  if (head.includes("]")) throw new Error(`unbalanced bracket in ${pattern}`);
  const tails = expandHostPattern(pattern.slice(m.index + m[0].length));
  const out: string[] = [];
  for (const value of rangeValues(m[1] ?? "")) {
    for (const tail of tails) {
      out.push(`${head}${value}${tail}`);
      if (out.length > MAX_EXPANDED_HOSTS)
        throw new Error(`${pattern} makes more than ${MAX_EXPANDED_HOSTS} hosts`);
    }
  }
  return out;
}

/** A host name or IPv4 address a person would write; no user@, no scheme, no spaces. */
const ADDRESS = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** `[v6]` or `[v6]:port`; undefined for anything else (a range such as `[1:9]` among them). */
function bracketedV6(token: string): { address: string; port: number } | undefined {
  const m = /^\[([^\]]+)\](?::([0-9]{1,5}))?$/.exec(token);
  if (!m?.[1] || !isIPv6(m[1])) return undefined;
  const port = m[2] ? Number(m[2]) : 22;
  return port >= 1 && port <= 65535 ? { address: m[1], port } : undefined;
}

/** `addr`, `addr:port`, or `[v6]:port` / a bare IPv6 address. */
function splitPort(token: string): { address: string; port: number } | undefined {
  const v6 = bracketedV6(token);
  if (v6) return v6;
  if (isIPv6(token)) return { address: token, port: 22 };
  const [address = "", port, extra] = token.split(":");
  if (extra !== undefined || !ADDRESS.test(address)) return undefined;
  if (port === undefined) return { address, port: 22 };
  const n = Number(port);
  return /^[0-9]+$/.test(port) && n >= 1 && n <= 65535 ? { address, port: n } : undefined;
}

/**
 * Parses a host list: addresses separated by new lines, commas or spaces, `#` comments, ranges
 * expanded, duplicates dropped (the first mention is kept). Every problem names its line.
 *
 * @example parseHostList("10.0.0.[1:2]\nweb1:2222 # the web server", "hosts")
 * // [{ address: "10.0.0.1", port: 22, line: 1 }, { address: "10.0.0.2", ... }, { address: "web1", port: 2222, line: 2 }]
 */
export function parseHostList(text: string, file: string, firstLine = 1): HostAddress[] {
  const out: HostAddress[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = firstLine + index;
    const body = raw.replace(/#.*$/, "");
    for (const token of body.split(/[\s,]+/).filter((t) => t !== "")) {
      let expanded: string[];
      try {
        // `[::1]:22` is an IPv6 address, `[1:9]` a range: only the first is taken as it is.
        expanded = bracketedV6(token) ? [token] : expandHostPattern(token);
      } catch (error) {
        throw new ConfigError((error as Error).message, { file, line }, "see `ops init --help` for ranges");
      }
      for (const item of expanded) {
        const target = splitPort(item);
        if (!target) {
          throw new ConfigError(
            `"${item}" is not a host name or an IP address (with an optional :port)`,
            { file, line },
            "write one address per line, e.g. 10.0.0.5, web1.example.com:2222 or 10.0.0.[10:19]",
          );
        }
        const key = `${target.address}:${target.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...target, line });
        if (out.length > MAX_EXPANDED_HOSTS) {
          throw new ConfigError(`the list makes more than ${MAX_EXPANDED_HOSTS} hosts`, { file, line });
        }
      }
    }
  });
  return out;
}
