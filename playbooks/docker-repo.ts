/**
 * Where the docker-ce yum repo comes from: a preset name or any base URL with Docker's layout
 * (`<base>/<releasever>/<basearch>/stable/` and the key at `<base>/gpg`).
 */
import type { RepositorySource } from "../src/packages/family.js";

/** Mirror presets for `docker_mirror`: the root holding `linux/<distro>` as Docker's official site does. */
export const DOCKER_MIRROR_ROOTS: Readonly<Record<string, string>> = {
  official: "https://download.docker.com",
  aliyun: "https://mirrors.aliyun.com/docker-ce",
  tuna: "https://mirrors.tuna.tsinghua.edu.cn/docker-ce",
  ustc: "https://mirrors.ustc.edu.cn/docker-ce",
};

/** Each preset's CentOS tree (what the wizard times and writes). */
export const DOCKER_MIRRORS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DOCKER_MIRROR_ROOTS).map(([name, root]) => [name, `${root}/linux/centos`]),
);

export interface RepoChoice {
  /** The base URL holding `<major>/<basearch>/stable`. */
  baseUrl: string;
  /** The armored signing key the host fetches (its fingerprint is checked before import). */
  gpgKeyUrl: string;
}

/**
 * `docker_repo_url` wins when set (a tree of one distribution, used as given); otherwise
 * `docker_mirror`: a preset gives its root's `linux/<distro>` (centos unless the host says
 * otherwise), any other value is such a tree itself.
 * @example chooseRepo({ docker_mirror: "aliyun" }, "rhel").gpgKeyUrl === "https://mirrors.aliyun.com/docker-ce/linux/rhel/gpg"
 */
export function chooseRepo(
  vars: { docker_repo_url?: string; docker_mirror?: string; docker_repo_gpgkey?: string },
  distro = "centos",
): RepoChoice {
  const mirror = vars.docker_mirror || "official";
  const root = Object.hasOwn(DOCKER_MIRROR_ROOTS, mirror) ? DOCKER_MIRROR_ROOTS[mirror] : undefined;
  const preset = root !== undefined ? `${root}/linux/${distro}` : undefined;
  const base = (vars.docker_repo_url || preset || mirror).replace(/\/+$/, "");
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
