/**
 * Where Docker's package repository comes from: a mirror (a preset name or any URL holding Docker's
 * tree: `<root>/linux/centos/<releasever>/<basearch>/stable`, `<root>/linux/debian/dists/<codename>/stable`,
 * key at `<root>/linux/<distro>/gpg`), or one distribution's base URL given outright.
 */
import type { OsRelease } from "../src/facts/os-release.js";
import type { RepositorySource } from "../src/packages/family.js";
import { dockerDistroOf } from "./docker-distro.js";

/** Mirror presets for `docker_mirror`: the root of a tree like download.docker.com's. */
export const DOCKER_MIRRORS: Readonly<Record<string, string>> = {
  official: "https://download.docker.com",
  aliyun: "https://mirrors.aliyun.com/docker-ce",
  tuna: "https://mirrors.tuna.tsinghua.edu.cn/docker-ce",
  ustc: "https://mirrors.ustc.edu.cn/docker-ce",
};

export interface RepoChoice {
  /** One distribution's tree: `<root>/linux/centos` (holding `<major>/<basearch>/stable`), `<root>/linux/debian`. */
  baseUrl: string;
  /** The armored signing key the host fetches (its fingerprint is checked before it is trusted). */
  gpgKeyUrl: string;
}

export interface RepoVars {
  docker_repo_url?: string;
  docker_mirror?: string;
  docker_repo_gpgkey?: string;
}

const trim = (url: string): string => url.replace(/\/+$/, "");

/**
 * A mirror's root: a preset's, or the URL itself. A URL that names one distribution's tree
 * (`https://mirror.example.com/docker-ce/linux/centos`, as docker_mirror took before apt hosts) is cut
 * back to its root, so one docker_mirror serves every family of a mixed inventory.
 *
 * @example mirrorRoot("http://10.0.0.2/docker-ce/linux/centos/") === "http://10.0.0.2/docker-ce"
 */
export function mirrorRoot(mirror: string): string {
  return trim(DOCKER_MIRRORS[mirror] ?? mirror).replace(/\/linux\/[a-z]+$/, "");
}

/**
 * Docker's tree for a host's distribution, as dockerDistroOf routes it (`linux/debian`, `linux/rhel`,
 * `linux/centos` for the rebuilds...); `linux/centos` for a host it refuses, which preflight stops anyway.
 *
 * @example dockerRepoPath(debian12) === "linux/debian"
 */
export function dockerRepoPath(os: OsRelease): string {
  const target = dockerDistroOf(os);
  return target.ok ? target.path : "linux/centos";
}

/**
 * `docker_repo_url` wins when set (one distribution's tree, for inventories of one family or a group's
 * vars); otherwise `docker_mirror` (a preset or a URL) and the host's distribution decide.
 * @example chooseRepo({ docker_mirror: "aliyun" }, debian12).gpgKeyUrl === "https://mirrors.aliyun.com/docker-ce/linux/debian/gpg"
 */
export function chooseRepo(vars: RepoVars, os?: OsRelease): RepoChoice {
  return repoAt(vars, os === undefined ? "linux/centos" : dockerRepoPath(os));
}

/**
 * The repo of Docker's tree at `path` under the mirror (`linux/debian`), for a platform known by its
 * tree alone (bundle create's `--platform debian12/x86_64`); `docker_repo_url` still wins.
 *
 * @example repoAt({ docker_mirror: "tuna" }, "linux/debian").baseUrl === "https://mirrors.tuna.tsinghua.edu.cn/docker-ce/linux/debian"
 */
export function repoAt(vars: RepoVars, path: string): RepoChoice {
  const base = vars.docker_repo_url
    ? trim(vars.docker_repo_url)
    : `${mirrorRoot(vars.docker_mirror || "official")}/${path}`;
  return { baseUrl: base, gpgKeyUrl: vars.docker_repo_gpgkey || `${base}/gpg` };
}

/** Docker's published release key for its repos (docs.docker.com/engine/install/centos). */
export const DOCKER_GPG_FINGERPRINT = "060A61C51B558A7F742B77AAC52FEB6B621E9F35";
/** The key's file name on hosts (the family decides its folder: /etc/pki/rpm-gpg/docker-ce.gpg). */
export const DOCKER_KEY_NAME = "docker-ce";

/**
 * The sources of Docker's rpm repo for an EL major version, as Docker's own docker-ce.repo declares
 * them, but with $releasever pinned to the major version (CentOS Stream and RHEL minor versions such
 * as "9.4" or "8-stream" are not directories in Docker's repo).
 *
 * @example rpmSources("https://download.docker.com/linux/centos", 9)[0].url === "https://download.docker.com/linux/centos/9/$basearch/stable"
 */
export function rpmSources(baseUrl: string, major: number): RepositorySource[] {
  const base = `${baseUrl.replace(/\/+$/, "")}/${major}`;
  return [
    { id: "docker-ce-stable", name: "Docker CE Stable - $basearch", url: `${base}/$basearch/stable` },
    {
      id: "docker-ce-stable-debuginfo",
      name: "Docker CE Stable - Debuginfo $basearch",
      url: `${base}/debug-$basearch/stable`,
      enabled: false,
    },
    {
      id: "docker-ce-stable-source",
      name: "Docker CE Stable - Sources",
      url: `${base}/source/stable`,
      enabled: false,
    },
  ];
}
