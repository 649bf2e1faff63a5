/**
 * A yum/dnf `.repo` file: one `[section]` per source, each checked against the verified key file.
 * Values go into an INI file dnf parses line by line, so a line break or a missing scheme in one of
 * them would smuggle in another setting: those are refused instead of written.
 */
import type { RepositorySpec } from "../family.js";

export const REPO_DIR = "/etc/yum.repos.d";

const URL = /^(https?|ftp|file):\/\/\S+$/;
const SECTION = /^[A-Za-z0-9._:-]+$/;
const NAME = /^[A-Za-z0-9._-]+$/;

function check(ok: boolean, what: string, value: string): void {
  if (!ok) throw new Error(`repository ${what} ${JSON.stringify(value)} cannot be written to a .repo file`);
}

/**
 * @example repoFile({ name: "docker-ce", keyPath: "/etc/pki/rpm-gpg/docker-ce.gpg",
 *   sources: [{ id: "docker-ce-stable", name: "Docker CE Stable - $basearch", url: "https://download.docker.com/linux/centos/9/$basearch/stable" }] })
 */
export function repoFile(spec: RepositorySpec): { path: string; content: string } {
  check(NAME.test(spec.name), "name", spec.name);
  check(/^\/[^\s]+$/.test(spec.keyPath), "key path", spec.keyPath);
  const sections = spec.sources.map((s) => {
    check(SECTION.test(s.id), "source id", s.id);
    check(!/[\r\n]/.test(s.name) && s.name.trim() !== "", "source name", s.name);
    check(URL.test(s.url), "url", s.url);
    return [
      `[${s.id}]`,
      `name=${s.name}`,
      `baseurl=${s.url}`,
      `enabled=${s.enabled === false ? 0 : 1}`,
      "gpgcheck=1",
      `gpgkey=file://${spec.keyPath}`,
    ].join("\n");
  });
  const header = "# managed by ops: changes made by hand are overwritten on the next run.";
  return { path: `${REPO_DIR}/${spec.name}.repo`, content: `${header}\n${sections.join("\n\n")}\n` };
}
