/**
 * Docker's apt repositories: which Debian and Ubuntu releases Docker publishes for, where each lives
 * under a mirror's root (`<root>/linux/debian`, `<root>/linux/ubuntu`, with `dists/<codename>/stable`),
 * the one source install-engine declares, and the distribution packages that clash with Docker's
 * (docs.docker.com/engine/install/debian, "Uninstall old versions").
 */
import type { OsRelease } from "../src/facts/os-release.js";
import type { RepositorySource } from "../src/packages/family.js";

export interface AptDistro {
  /** os-release ID Docker names its tree after. */
  readonly id: "debian" | "ubuntu";
  /** The path under a mirror root: "linux/debian". */
  readonly path: string;
  /** Release majors Docker publishes for and ops supports: Debian 11-13, Ubuntu 20.04/22.04/24.04 LTS. */
  readonly majors: readonly number[];
}

export const APT_DISTROS: Readonly<Record<AptDistro["id"], AptDistro>> = {
  debian: { id: "debian", path: "linux/debian", majors: [11, 12, 13] },
  ubuntu: { id: "ubuntu", path: "linux/ubuntu", majors: [20, 22, 24] },
};

/**
 * The Docker apt tree for a host: by its own ID only (a derivative such as Mint has its own codenames,
 * which are no directory of Docker's), else undefined.
 *
 * @example aptDistro(debian12)?.path === "linux/debian"
 */
export function aptDistro(os: OsRelease): AptDistro | undefined {
  return os.id === "debian" || os.id === "ubuntu" ? APT_DISTROS[os.id] : undefined;
}

/**
 * The one source of Docker's apt repo at `base` (`<root>/linux/debian`): the host's codename (the
 * family's default suite) and the `stable` component, as Docker's own instructions write it.
 *
 * @example aptSources("https://download.docker.com/linux/debian")[0].components // ["stable"]
 */
export function aptSources(base: string): RepositorySource[] {
  return [
    {
      id: "docker-ce-stable",
      name: "Docker CE Stable",
      url: base.replace(/\/+$/, ""),
      components: ["stable"],
    },
  ];
}

/**
 * Debian's and Ubuntu's own packages that clash with docker-ce (removed only with --yes). containerd
 * and runc are satisfied by containerd.io's Provides once Docker's packages are in, and a name that
 * only a Provides satisfies is never removed.
 */
export const APT_CONFLICTING_PACKAGES: readonly string[] = [
  "docker.io",
  "docker-doc",
  "docker-compose",
  "docker-compose-v2",
  "podman-docker",
  "containerd",
  "runc",
];
