/**
 * The body of a URL as the HOST sees it (its proxy, its mirror, its DNS), for a repository's signing
 * key. With `unless`, a shell test the host runs first (the key is already trusted), the probe
 * fetches nothing when it passes, so a no-op run never hits the network.
 */
import { FactError } from "../errors.js";
import { quote } from "../transport/quote.js";
import type { Fact } from "./fact.js";
import { decodeBase64 } from "./text.js";

export type UrlContent =
  | { readonly status: "trusted" }
  | { readonly status: "fetched"; readonly content: Buffer }
  | { readonly status: "error"; readonly message: string };

export function parseUrlContent(name: string, stdout: string): UrlContent {
  const nl = stdout.indexOf("\n");
  const head = (nl < 0 ? stdout : stdout.slice(0, nl)).trim();
  const rest = nl < 0 ? "" : stdout.slice(nl + 1);
  if (head === "trusted") return { status: "trusted" };
  if (head === "fetched 0") return { status: "fetched", content: decodeBase64(rest, name) };
  const m = /^(?:fetched|error) (\S+)(?: (\S+))?$/.exec(head);
  if (m) {
    const detail = rest.trim().split("\n").slice(-5).join(" ").trim();
    const what = m[2] ? `${m[2]} exited ${m[1]}` : (m[1] ?? "");
    return { status: "error", message: detail ? `${what}: ${detail}` : what };
  }
  throw new FactError(name, `unexpected output "${head.slice(0, 80)}"`);
}

/** A shell test run before fetching: when it exits 0 nothing is fetched. `label` names it in the fact. */
export interface UnlessTest {
  readonly test: string;
  /** Words and digits only: `key-621e9f35`. */
  readonly label: string;
}

/**
 * @example urlContent("https://download.docker.com/linux/centos/gpg", { test: "rpm -q gpg-pubkey-621e9f35", label: "key-621e9f35" })
 */
export function urlContent(url: string, unless?: UnlessTest): Fact<UrlContent> {
  if (unless !== undefined && !/^[A-Za-z0-9._-]+$/.test(unless.label)) {
    throw new FactError("url-content", `label "${unless.label}" is not a plain word`);
  }
  // A URL that starts with "-" would read as an option to curl or wget; only real URLs are fetched.
  if (!/^(https?|ftp|file):\/\/\S+$/.test(url))
    throw new FactError("url-content", `"${url}" is not an http(s), ftp or file URL`);
  const name = `url-content:${url}${unless ? `#unless-${unless.label}` : ""}`;
  const u = quote(url);
  const probe = [
    unless
      ? `if { ${unless.test}
} >/dev/null 2>&1; then echo trusted; exit 0; fi`
      : "",
    "tmp=$(mktemp) || { echo 'error 1 mktemp'; exit 0; }",
    // The body goes to a temp file and stderr to a variable, so a failure prints its reason.
    "if command -v curl >/dev/null 2>&1; then",
    `  err=$(curl -fsSL --max-time 60 --max-filesize 1048576 -o "$tmp" ${u} 2>&1); rc=$?; tool=curl`,
    "elif command -v wget >/dev/null 2>&1; then",
    `  err=$(wget -q -T 60 -O "$tmp" ${u} 2>&1); rc=$?; tool=wget`,
    "else",
    "  rm -f \"$tmp\"; printf 'error 127\\nneither curl nor wget is installed\\n'; exit 0",
    "fi",
    'if [ "$rc" -eq 0 ]; then echo "fetched 0"; base64 "$tmp"; else printf \'error %s %s\\n%s\\n\' "$rc" "$tool" "$err"; fi',
    'rm -f "$tmp"',
  ];
  return {
    name,
    probe: probe.filter((l) => l !== "").join("\n"),
    parse: (stdout) => parseUrlContent(name, stdout),
  };
}
