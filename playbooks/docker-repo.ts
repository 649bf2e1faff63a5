/**
 * Where the docker-ce yum repo comes from: a preset name or any base URL with Docker's layout
 * (`<base>/<releasever>/<basearch>/stable/` and the key at `<base>/gpg`).
 */

/** Mirror presets for `docker_mirror`; each holds the same tree as Docker's official repo. */
export const DOCKER_MIRRORS: Readonly<Record<string, string>> = {
  official: "https://download.docker.com/linux/centos",
  aliyun: "https://mirrors.aliyun.com/docker-ce/linux/centos",
  tuna: "https://mirrors.tuna.tsinghua.edu.cn/docker-ce/linux/centos",
  ustc: "https://mirrors.ustc.edu.cn/docker-ce/linux/centos",
};

export interface RepoChoice {
  /** The base URL holding `<major>/<basearch>/stable`. */
  baseUrl: string;
  /** The armored signing key the host fetches (its fingerprint is checked before import). */
  gpgKeyUrl: string;
}

/**
 * `docker_repo_url` wins when set; otherwise `docker_mirror` (a preset or a URL) decides.
 * @example chooseRepo({ docker_mirror: "aliyun" }).gpgKeyUrl === "https://mirrors.aliyun.com/docker-ce/linux/centos/gpg"
 */
export function chooseRepo(vars: {
  docker_repo_url?: string;
  docker_mirror?: string;
  docker_repo_gpgkey?: string;
}): RepoChoice {
  const mirror = vars.docker_mirror || "official";
  const base = (vars.docker_repo_url || DOCKER_MIRRORS[mirror] || mirror).replace(/\/+$/, "");
  return { baseUrl: base, gpgKeyUrl: vars.docker_repo_gpgkey || `${base}/gpg` };
}
