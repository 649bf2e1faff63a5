/**
 * What the mirrors step measures: the docker-ce repo presets install-engine knows plus the user's
 * own base URLs, and registry mirrors; and the small file fetched from each to time it.
 */
import { DOCKER_MIRRORS } from "../../playbooks/docker-repo.js";

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
    .filter((url, i, all) => all.indexOf(url) === i && !presets.some((p) => p.url === url))
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
 * The repo's metadata for one host's release and architecture: small, and only a real docker-ce
 * repo of the right layout has it.
 *
 * @example repoProbeUrl("https://download.docker.com/linux/centos", 9, "x86_64")
 *   === "https://download.docker.com/linux/centos/9/x86_64/stable/repodata/repomd.xml"
 */
export function repoProbeUrl(base: string, major: number, arch: string): string {
  return `${trim(base)}/${major}/${arch}/stable/repodata/repomd.xml`;
}

/** @example registryProbeUrl("http://10.0.0.4:5000") === "http://10.0.0.4:5000/v2/" */
export function registryProbeUrl(url: string): string {
  return `${trim(url)}/v2/`;
}

/** An http(s) URL a host can fetch; the reason when it is not one. */
export function validateUrl(value: string): true | string {
  if (!/^https?:\/\/[^\s'"\\]+$/.test(value))
    return "an http(s) URL, e.g. http://mirror.example.com/docker-ce/linux/centos";
  try {
    new URL(value);
    return true;
  } catch {
    return "not a valid URL";
  }
}
