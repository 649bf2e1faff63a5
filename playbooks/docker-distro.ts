/**
 * Which of Docker's repositories serves a host, by its os-release: Docker publishes
 * `linux/centos/<7-10>` (CentOS and CentOS Stream, and the rebuilds: Rocky, Alma, Oracle Linux and
 * any ID_LIKE rhel/centos), `linux/rhel/<8-10>`, `linux/fedora/<version>`, and the apt trees
 * docker-apt.ts lists (`linux/debian`, `linux/ubuntu`). Amazon Linux has no docker-ce repository at
 * all (Amazon ships its own `docker` package). A distribution not named here is refused before
 * anything changes, naming what the host said it is.
 */
import type { OsRelease } from "../src/facts/os-release.js";
import { aptDistro } from "./docker-apt.js";

export type DockerDistro =
  | {
      readonly ok: true;
      /** Docker's tree under a mirror root: "linux/centos", "linux/debian". */
      readonly path: string;
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
  "CentOS 7-10 and CentOS Stream, RHEL 8-10, Rocky, Alma and Oracle Linux (Docker's CentOS repository), Fedora, Debian 11-13 and Ubuntu 20.04/22.04/24.04";

/** `Amazon Linux 2 (ID=amzn, VERSION_ID=2, ID_LIKE="centos rhel fedora")`: what the host said, as it said it. */
export function seen(os: OsRelease): string {
  const like = os.idLike.length > 0 ? `, ID_LIKE="${os.idLike.join(" ")}"` : "";
  return `${os.prettyName || os.name} (ID=${os.id}, VERSION_ID=${os.versionId}${like})`;
}

function outside(os: OsRelease, majors: readonly number[], repo: string): DockerDistro {
  return {
    ok: false,
    message: `${seen(os)} is version ${os.major}; install-engine installs from Docker's ${repo} for versions ${majors.join(", ")}`,
  };
}

const routed = (distro: string): DockerDistro => ({ ok: true, path: `linux/${distro}` });

/**
 * @example dockerDistroOf(parseOsRelease(rocky9)) // { ok: true, path: "linux/centos" }
 */
export function dockerDistroOf(os: OsRelease): DockerDistro {
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
  const apt = aptDistro(os);
  if (apt !== undefined) {
    return apt.majors.includes(os.major) ? routed(apt.id) : outside(os, apt.majors, apt.path);
  }
  if (os.family === "debian") {
    // A derivative (Mint, Raspbian...) has codenames of its own, which are no directory of Docker's.
    return {
      ok: false,
      message: `${seen(os)} is not supported: Docker publishes apt repositories for Debian and Ubuntu only`,
    };
  }
  if (os.id === "fedora") return routed("fedora");
  if (os.id === "rhel") {
    const majors = [8, 9, 10];
    return majors.includes(os.major) ? routed("rhel") : outside(os, majors, "linux/rhel");
  }
  if (REBUILDS.has(os.id) || os.idLike.some((l) => l === "rhel" || l === "centos")) {
    const majors = [7, 8, 9, 10];
    return majors.includes(os.major) ? routed("centos") : outside(os, majors, "linux/centos");
  }
  return {
    ok: false,
    message: `${seen(os)} is not a distribution install-engine knows; it installs Docker on ${SUPPORTED}`,
  };
}
