/**
 * How the engine names registries, in one place: install-engine's "is the mirror applied yet?" and
 * verify's "is the mirror as desired?" compare through these, so a value one accepts the other does
 * too. dockerd reports a mirror with its scheme and host lower-cased and a trailing slash; the path
 * keeps its case (it can matter to the mirror).
 */

/**
 * @example normalizeMirror("HTTPS://Mirror.Example.com:5000/Docker/") === "https://mirror.example.com:5000/Docker"
 */
export function normalizeMirror(url: string): string {
  const trimmed = url.trim();
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(trimmed);
  if (!m) return trimmed.replace(/\/+$/, "");
  const [, scheme = "", authority = "", rest = ""] = m;
  return `${scheme.toLowerCase()}://${authority.toLowerCase()}${rest}`.replace(/\/+$/, "");
}

/**
 * `http://Reg:5000/` and `reg:5000` name the same insecure registry; a CIDR stays as it is.
 *
 * @example normalizeRegistry("http://Reg.LAN:5000/") === "reg.lan:5000"
 */
export function normalizeRegistry(name: string): string {
  return normalizeMirror(name)
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .toLowerCase();
}
