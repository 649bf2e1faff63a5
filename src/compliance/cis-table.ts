/**
 * The CIS Docker Benchmark v1.6.0, sections 1 to 5, as the benchmark numbers and titles them: one
 * row per recommendation with its profile level and whether the benchmark calls it automated or
 * manual. The one table ops reads CIS facts from: check titles and levels, docs/COMPLIANCE.md's
 * table, the HTML report and the Prometheus labels are all made from it.
 *
 * Source: the benchmark's table of contents and docker-bench-security 1.6's checks (ids, titles,
 * "(Automated)"/"(Manual)", and its level-1 selection for the profile level).
 */

export interface CisRecommendation {
  /** "5.5": the benchmark's own number. */
  readonly id: string;
  readonly title: string;
  /** Profile level: 1 is the baseline, 2 costs functionality. */
  readonly level: 1 | 2;
  /** The benchmark's assessment status: automated (a command decides) or manual (a person does). */
  readonly automated: boolean;
}

type Row = readonly [id: string, level: 1 | 2, automated: "A" | "M", title: string];

const audit = (id: string, level: 1 | 2, what: string): Row => [
  id,
  level,
  "A",
  `Ensure auditing is configured for Docker files and directories - ${what}`,
];

const ROWS: readonly Row[] = [
  ["1.1.1", 1, "A", "Ensure a separate partition for containers has been created"],
  ["1.1.2", 1, "A", "Ensure only trusted users are allowed to control Docker daemon"],
  ["1.1.3", 1, "A", "Ensure auditing is configured for the Docker daemon"],
  audit("1.1.4", 1, "/run/containerd"),
  audit("1.1.5", 1, "/var/lib/docker"),
  audit("1.1.6", 1, "/etc/docker"),
  audit("1.1.7", 2, "docker.service"),
  audit("1.1.8", 2, "containerd.sock"),
  audit("1.1.9", 2, "docker.socket"),
  audit("1.1.10", 2, "/etc/default/docker"),
  audit("1.1.11", 2, "/etc/docker/daemon.json"),
  audit("1.1.12", 2, "/etc/containerd/config.toml"),
  audit("1.1.13", 2, "/etc/sysconfig/docker"),
  audit("1.1.14", 2, "/usr/bin/containerd"),
  audit("1.1.15", 2, "/usr/bin/containerd-shim"),
  audit("1.1.16", 2, "/usr/bin/containerd-shim-runc-v1"),
  audit("1.1.17", 2, "/usr/bin/containerd-shim-runc-v2"),
  audit("1.1.18", 2, "/usr/bin/runc"),
  ["1.2.1", 1, "M", "Ensure the container host has been Hardened"],
  ["1.2.2", 1, "M", "Ensure that the version of Docker is up to date"],
  ["2.1", 1, "M", "Run the Docker daemon as a non-root user, if possible"],
  ["2.2", 1, "A", "Ensure network traffic is restricted between containers on the default bridge"],
  ["2.3", 1, "A", "Ensure the logging level is set to 'info'"],
  ["2.4", 1, "A", "Ensure Docker is allowed to make changes to iptables"],
  ["2.5", 1, "A", "Ensure insecure registries are not used"],
  ["2.6", 1, "A", "Ensure aufs storage driver is not used"],
  ["2.7", 1, "A", "Ensure TLS authentication for Docker daemon is configured"],
  ["2.8", 1, "M", "Ensure the default ulimit is configured appropriately"],
  ["2.9", 2, "A", "Enable user namespace support"],
  ["2.10", 2, "A", "Ensure the default cgroup usage has been confirmed"],
  ["2.11", 2, "A", "Ensure base device size is not changed until needed"],
  ["2.12", 2, "A", "Ensure that authorization for Docker client commands is enabled"],
  ["2.13", 2, "A", "Ensure centralized and remote logging is configured"],
  ["2.14", 1, "A", "Ensure containers are restricted from acquiring new privileges"],
  ["2.15", 1, "A", "Ensure live restore is enabled"],
  ["2.16", 1, "A", "Ensure Userland Proxy is Disabled"],
  ["2.17", 2, "M", "Ensure that a daemon-wide custom seccomp profile is applied if appropriate"],
  ["2.18", 1, "A", "Ensure that experimental features are not implemented in production"],
  ["3.1", 1, "A", "Ensure that the docker.service file ownership is set to root:root"],
  ["3.2", 1, "A", "Ensure that docker.service file permissions are appropriately set"],
  ["3.3", 1, "A", "Ensure that docker.socket file ownership is set to root:root"],
  ["3.4", 1, "A", "Ensure that docker.socket file permissions are set to 644 or more restrictive"],
  ["3.5", 1, "A", "Ensure that the /etc/docker directory ownership is set to root:root"],
  ["3.6", 1, "A", "Ensure that /etc/docker directory permissions are set to 755 or more restrictively"],
  ["3.7", 1, "A", "Ensure that registry certificate file ownership is set to root:root"],
  ["3.8", 1, "A", "Ensure that registry certificate file permissions are set to 444 or more restrictively"],
  ["3.9", 1, "A", "Ensure that TLS CA certificate file ownership is set to root:root"],
  ["3.10", 1, "A", "Ensure that TLS CA certificate file permissions are set to 444 or more restrictively"],
  ["3.11", 1, "A", "Ensure that Docker server certificate file ownership is set to root:root"],
  [
    "3.12",
    1,
    "A",
    "Ensure that the Docker server certificate file permissions are set to 444 or more restrictively",
  ],
  ["3.13", 1, "A", "Ensure that the Docker server certificate key file ownership is set to root:root"],
  ["3.14", 1, "A", "Ensure that the Docker server certificate key file permissions are set to 400"],
  ["3.15", 1, "A", "Ensure that the Docker socket file ownership is set to root:docker"],
  ["3.16", 1, "A", "Ensure that the Docker socket file permissions are set to 660 or more restrictively"],
  ["3.17", 2, "A", "Ensure that the daemon.json file ownership is set to root:root"],
  ["3.18", 2, "A", "Ensure that daemon.json file permissions are set to 644 or more restrictive"],
  ["3.19", 2, "A", "Ensure that the /etc/default/docker file ownership is set to root:root"],
  [
    "3.20",
    2,
    "A",
    "Ensure that the /etc/default/docker file permissions are set to 644 or more restrictively",
  ],
  [
    "3.21",
    2,
    "A",
    "Ensure that the /etc/sysconfig/docker file permissions are set to 644 or more restrictively",
  ],
  ["3.22", 2, "A", "Ensure that the /etc/sysconfig/docker file ownership is set to root:root"],
  ["3.23", 1, "A", "Ensure that the Containerd socket file ownership is set to root:root"],
  ["3.24", 1, "A", "Ensure that the Containerd socket file permissions are set to 660 or more restrictively"],
  ["4.1", 1, "A", "Ensure that a user for the container has been created"],
  ["4.2", 1, "M", "Ensure that containers use only trusted base images"],
  ["4.3", 1, "M", "Ensure that unnecessary packages are not installed in the container"],
  ["4.4", 1, "M", "Ensure images are scanned and rebuilt to include security patches"],
  ["4.5", 2, "A", "Ensure Content trust for Docker is Enabled"],
  ["4.6", 1, "A", "Ensure that HEALTHCHECK instructions have been added to container images"],
  ["4.7", 1, "M", "Ensure update instructions are not used alone in Dockerfiles"],
  ["4.8", 2, "M", "Ensure setuid and setgid permissions are removed"],
  ["4.9", 1, "M", "Ensure that COPY is used instead of ADD in Dockerfiles"],
  ["4.10", 1, "M", "Ensure secrets are not stored in Dockerfiles"],
  ["4.11", 2, "M", "Ensure only verified packages are installed"],
  ["4.12", 1, "M", "Ensure all signed artifacts are validated"],
  ["5.1", 1, "A", "Ensure swarm mode is not Enabled, if not needed"],
  ["5.2", 1, "A", "Ensure that, if applicable, an AppArmor Profile is enabled"],
  ["5.3", 2, "A", "Ensure that, if applicable, SELinux security options are set"],
  ["5.4", 1, "A", "Ensure that Linux kernel capabilities are restricted within containers"],
  ["5.5", 1, "A", "Ensure that privileged containers are not used"],
  ["5.6", 1, "A", "Ensure sensitive host system directories are not mounted on containers"],
  ["5.7", 1, "A", "Ensure sshd is not run within containers"],
  ["5.8", 1, "A", "Ensure privileged ports are not mapped within containers"],
  ["5.9", 1, "M", "Ensure that only needed ports are open on the container"],
  ["5.10", 1, "A", "Ensure that the host's network namespace is not shared"],
  ["5.11", 1, "A", "Ensure that the memory usage for containers is limited"],
  ["5.12", 1, "A", "Ensure that CPU priority is set appropriately on containers"],
  ["5.13", 1, "A", "Ensure that the container's root filesystem is mounted as read only"],
  ["5.14", 1, "A", "Ensure that incoming container traffic is bound to a specific host interface"],
  ["5.15", 1, "A", "Ensure that the 'on-failure' container restart policy is set to '5'"],
  ["5.16", 1, "A", "Ensure that the host's process namespace is not shared"],
  ["5.17", 1, "A", "Ensure that the host's IPC namespace is not shared"],
  ["5.18", 1, "M", "Ensure that host devices are not directly exposed to containers"],
  ["5.19", 1, "M", "Ensure that the default ulimit is overwritten at runtime if needed"],
  ["5.20", 1, "A", "Ensure mount propagation mode is not set to shared"],
  ["5.21", 1, "A", "Ensure that the host's UTS namespace is not shared"],
  ["5.22", 1, "A", "Ensure the default seccomp profile is not Disabled"],
  ["5.23", 2, "A", "Ensure that docker exec commands are not used with the privileged option"],
  ["5.24", 2, "M", "Ensure that docker exec commands are not used with the user=root option"],
  ["5.25", 1, "A", "Ensure that cgroup usage is confirmed"],
  ["5.26", 1, "A", "Ensure that the container is restricted from acquiring additional privileges"],
  ["5.27", 1, "A", "Ensure that container health is checked at runtime"],
  ["5.28", 1, "M", "Ensure that Docker commands always make use of the latest version of their image"],
  ["5.29", 1, "A", "Ensure that the PIDs cgroup limit is used"],
  ["5.30", 2, "M", 'Ensure that Docker\'s default bridge "docker0" is not used'],
  ["5.31", 1, "A", "Ensure that the host's user namespaces are not shared"],
  ["5.32", 1, "A", "Ensure that the Docker socket is not mounted inside any containers"],
];

/** Every recommendation of sections 1-5, in the benchmark's order. */
export const CIS_TABLE: readonly CisRecommendation[] = ROWS.map(([id, level, a, title]) => ({
  id,
  title,
  level,
  automated: a === "A",
}));

const BY_ID = new Map(CIS_TABLE.map((r) => [r.id, r]));

/**
 * The recommendation with this id; throws for an id the benchmark does not have (a typo in a check
 * is a bug, caught by the catalog test).
 *
 * @example cisRecommendation("5.5").title // "Ensure that privileged containers are not used"
 */
export function cisRecommendation(id: string): CisRecommendation {
  const found = BY_ID.get(id);
  if (found === undefined) throw new Error(`CIS Docker Benchmark v1.6.0 has no recommendation ${id}`);
  return found;
}

/** The check id of a CIS recommendation: `cis.5.5`. Waivers, history and reports key on it. */
export const cisCheckId = (id: string): string => `cis.${id}`;
