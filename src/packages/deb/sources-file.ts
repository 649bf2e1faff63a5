/**
 * An apt deb822 `.sources` file (sources.list(5)): one stanza per source, each checked against the
 * verified key file through `Signed-By:` (so the key is trusted for this repository alone, never added
 * to apt's global keyring: no apt-key). Values are written into a line-based format, so a line break,
 * a space in a URL or a missing scheme would smuggle in another field: those are refused instead.
 */
import type { HostFacts } from "../host-facts.js";
import type { RepositorySpec } from "../family.js";

export const SOURCES_DIR = "/etc/apt/sources.list.d";

const URL = /^(https?|file):\/\/[^\s]+$/;
const WORD = /^[A-Za-z0-9._~+-]+$/;
const NAME = /^[A-Za-z0-9._-]+$/;

function check(ok: boolean, what: string, value: string): void {
  if (!ok)
    throw new Error(`repository ${what} ${JSON.stringify(value)} cannot be written to a .sources file`);
}

/** Words of a multi-value field, each checked. */
function words(what: string, values: readonly string[]): string {
  for (const v of values) check(WORD.test(v), what, v);
  return values.join(" ");
}

/** The file a repository named `name` is written to: /etc/apt/sources.list.d/<name>.sources. */
export const sourcesPath = (name: string): string => `${SOURCES_DIR}/${name}.sources`;

/**
 * @example sourcesFile({ name: "docker", keyPath: "/etc/apt/keyrings/docker.asc", sources: [{ id: "docker-ce-stable",
 *   name: "Docker CE Stable", url: "https://download.docker.com/linux/debian", components: ["stable"] }] }, debian12)
 * // { path: "/etc/apt/sources.list.d/docker.sources", content: "...Suites: bookworm\nComponents: stable\n..." }
 */
export function sourcesFile(spec: RepositorySpec, host: HostFacts): { path: string; content: string } {
  check(NAME.test(spec.name), "name", spec.name);
  check(/^\/[^\s]+$/.test(spec.keyPath), "key path", spec.keyPath);
  const stanzas = spec.sources.map((s) => {
    check(WORD.test(s.id), "source id", s.id);
    check(!/[\r\n]/.test(s.name) && s.name.trim() !== "", "source name", s.name);
    check(URL.test(s.url), "url", s.url);
    const suites = s.suites ?? [host.os.codename];
    check(suites.length > 0 && suites.every((x) => x !== ""), "suite", host.os.codename);
    const fields = [
      `# ${s.id}: ${s.name}`,
      "Types: deb",
      `URIs: ${s.url}`,
      `Suites: ${words("suite", suites)}`,
      `Components: ${words("component", s.components ?? ["main"])}`,
      ...(s.architectures !== undefined ? [`Architectures: ${words("architecture", s.architectures)}`] : []),
      `Enabled: ${s.enabled === false ? "no" : "yes"}`,
      `Signed-By: ${spec.keyPath}`,
    ];
    return fields.join("\n");
  });
  const header = "# managed by ops: changes made by hand are overwritten on the next run.";
  return { path: sourcesPath(spec.name), content: `${header}\n\n${stanzas.join("\n\n")}\n` };
}
