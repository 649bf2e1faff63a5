/**
 * Which of Docker's rpm repositories serves a host, by its os-release: Docker publishes
 * `linux/centos/<7-10>` (CentOS and CentOS Stream, and the rebuilds: Rocky, Alma, Oracle Linux and
 * any ID_LIKE rhel/centos), `linux/rhel/<8-10>` and `linux/fedora/<version>`. Amazon Linux has no
 * docker-ce repository at all (Amazon ships its own `docker` package). A distribution not named
 * here is refused before anything changes, naming what the host said it is.
 */
import type { OsRelease } from "../src/facts/os-release.js";

export type DockerDistro =
  | {
      readonly ok: true;
      readonly distro: "centos" | "rhel" | "fedora";
      readonly releasever: number;
      readonly label: string;
    }
  | { readonly ok: false; readonly message: string; readonly hint?: string };

/** IDs that rebuild RHEL and take Docker's CentOS repository (Docker's own advice for Rocky and Alma). */
const REBUILDS = new Set([
  "rocky",
  "almalinux",
  "ol",
  "centos",
  "scientific",
  "circle",
  "eurolinux",
  "virtuozzo",
]);

const SUPPORTED =
  "CentOS 7-10 and CentOS Stream, RHEL 8-10, Rocky, Alma and Oracle Linux (Docker's CentOS repository), Fedora";

/** `Amazon Linux 2 (ID=amzn, VERSION_ID=2, ID_LIKE="centos rhel fedora")`: what the host said, as it said it. */
export function seen(os: OsRelease): string {
  const like = os.idLike.length > 0 ? `, ID_LIKE="${os.idLike.join(" ")}"` : "";
  return `${os.prettyName || os.name} (ID=${os.id}, VERSION_ID=${os.versionId}${like})`;
}

function outside(os: OsRelease, majors: readonly number[], repo: string): DockerDistro {
  return {
    ok: false,
    message: `${seen(os)} is version ${os.major}; Docker's ${repo} repository has ${majors.join(", ")}`,
  };
}

/**
 * @example dockerDistroOf(parseOsRelease(rocky9)) // { ok: true, distro: "centos", releasever: 9, label: "Rocky Linux 9.4 ..." }
 */
export function dockerDistroOf(os: OsRelease): DockerDistro {
  const label = os.prettyName || `${os.name} ${os.versionId}`;
  if (os.id === "amzn") {
    return {
      ok: false,
      message: `${seen(os)} is not supported: Docker publishes no docker-ce repository for Amazon Linux, whose engine is Amazon's own "docker" package`,
      hint:
        os.major === 2
          ? 'install it with "yum install docker" (amazon-linux-extras on older images), or use a CentOS/RHEL-family host'
          : 'install it with "dnf install docker", or use a CentOS/RHEL-family host',
    };
  }
  if (os.id === "fedora") return { ok: true, distro: "fedora", releasever: os.major, label };
  if (os.id === "rhel") {
    const majors = [8, 9, 10];
    return majors.includes(os.major)
      ? { ok: true, distro: "rhel", releasever: os.major, label }
      : outside(os, majors, "rhel");
  }
  if (REBUILDS.has(os.id) || os.idLike.some((l) => l === "rhel" || l === "centos")) {
    const majors = [7, 8, 9, 10];
    return majors.includes(os.major)
      ? { ok: true, distro: "centos", releasever: os.major, label }
      : outside(os, majors, "CentOS");
  }
  if (os.family === "debian") {
    return {
      ok: false,
      message: `${seen(os)} is not supported yet: install-engine installs from Docker's rpm repositories`,
    };
  }
  return {
    ok: false,
    message: `${seen(os)} is not a distribution install-engine knows; it installs Docker on ${SUPPORTED}`,
  };
}
