/**
 * What the mirrors step measures: the docker-ce repo presets install-engine knows plus the user's
 * own base URLs, and registry mirrors; and the small file fetched from each to time it.
 */
import { aptDistro } from "../../playbooks/docker-apt.js";
import { DOCKER_MIRRORS, chooseRepo, mirrorRoot } from "../../playbooks/docker-repo.js";
import type { OsRelease } from "../facts/os-release.js";

export interface Candidate {
  /** A preset name (`official`, `aliyun`...) or the URL itself. */
  id: string;
  /** Shown to the person. */
  name: string;
  /** Base URL (a repo) or registry URL. */
  url: string;
}

/** Docker Hub's own registry API: measured so the person sees whether a mirror is needed at all. */
export const DOCKER_HUB_API = "https://registry-1.docker.io/v2/";

/** A registry answers /v2/ with 200, or 401 when it wants a login: both mean it is there. */
export const REGISTRY_OK = [200, 401] as const;

const trim = (url: string): string => url.replace(/\/+$/, "");

/** The presets and the user's repo URLs (a URL equal to a preset's is the preset). */
export function repoCandidates(extra: readonly string[]): Candidate[] {
  const presets = Object.entries(DOCKER_MIRRORS).map(([id, url]) => ({
    id,
    name: `${id} (${new URL(url).host})`,
    url,
  }));
  const own = extra
    .map(trim)
    .filter((url, i, all) => all.indexOf(url) === i && !presets.some((p) => p.url === mirrorRoot(url)))
    .map((url) => ({ id: url, name: url, url }));
  return [...presets, ...own];
}

/** Registry mirror candidates: the user's URLs, deduplicated. */
export function registryCandidates(urls: readonly string[]): Candidate[] {
  return urls
    .map(trim)
    .filter((url, i, all) => all.indexOf(url) === i)
    .map((url) => ({ id: url, name: url, url }));
}

/**
 * The repo's signed index for one host's distribution, release and architecture: small, and only a
 * real tree of Docker's layout has it (a mirror URL is its root; see chooseRepo).
 *
 * @example repoProbeUrl("https://download.docker.com", centos9, "x86_64")
 *   === "https://download.docker.com/linux/centos/9/x86_64/stable/repodata/repomd.xml"
 * @example repoProbeUrl("https://download.docker.com", debian12, "x86_64")
 *   === "https://download.docker.com/linux/debian/dists/bookworm/InRelease"
 */
export function repoProbeUrl(mirror: string, os: OsRelease, arch: string): string {
  const base = chooseRepo({ docker_mirror: mirror }, os).baseUrl;
  return aptDistro(os) !== undefined
    ? `${base}/dists/${os.codename}/InRelease`
    : `${base}/${os.major}/${arch}/stable/repodata/repomd.xml`;
}

/** @example registryProbeUrl("http://10.0.0.4:5000") === "http://10.0.0.4:5000/v2/" */
export function registryProbeUrl(url: string): string {
  return `${trim(url)}/v2/`;
}

/** An http(s) URL a host can fetch; the reason when it is not one. */
export function validateUrl(value: string): true | string {
  if (!/^https?:\/\/[^\s'"\\]+$/.test(value))
    return "an http(s) URL, e.g. http://mirror.example.com/docker-ce";
  try {
    new URL(value);
    return true;
  } catch {
    return "not a valid URL";
  }
}
