// What the lab's Docker-style .debs hold: docker-ce, docker-ce-cli, containerd.io and the two CLI plugins,
// repackaging the same Debian binaries as the lab's RPMs (rpm/), with the control fields Docker's own
// .debs carry (Depends, Conflicts, Replaces, Provides, Recommends), so apt resolves them as it would
// Docker's. docker-ce and docker-ce-cli come twice: 20.10.24 and, same binaries relabelled, 20.10.23.
import { join } from "node:path";
import type { DebName } from "./debs.js";
import { ENGINE_VERSION, OLDER_ENGINE_VERSION, SPEC_DIR } from "./rpms.js";

/** The codename and Docker's version suffix for it: `5:20.10.24-1~debian.12~bookworm`. */
export const APT_CODENAME = "bookworm";
const SUFFIX = `-1~debian.12~${APT_CODENAME}`;

/** docker-ce's full version (epoch 5, as Docker's .debs) for an engine version. */
export function debEngineVersion(engine: string): string {
  return `5:${engine}${SUFFIX}`;
}
export const DEB_ENGINE_VERSION = debEngineVersion(ENGINE_VERSION);
export const DEB_OLDER_ENGINE_VERSION = debEngineVersion(OLDER_ENGINE_VERSION);

/** One file of a package: from an extracted Debian package (deb + path) or a lab file (absolute path). */
export interface DebFile {
  from: { deb: DebName; path: string } | { file: string };
  to: string;
  mode: number;
}

export interface DebPackage {
  name: string;
  version: string;
  /** Control fields beyond Package/Version/Architecture/Maintainer/Description. */
  fields: Record<string, string>;
  description: string;
  files: DebFile[];
  /** Maintainer scripts (postinst, prerm, postrm) by name, from deb/<package>.<script>. */
  scripts: string[];
  /** Paths under /etc dpkg keeps as conffiles. */
  conffiles: string[];
}

const DEB_DIR = new URL("./deb/", import.meta.url).pathname;
const UNITS = join(SPEC_DIR, "units");
const bin = (deb: DebName, path: string, to = path): DebFile => ({ from: { deb, path }, to, mode: 0o755 });
const lab = (file: string, to: string): DebFile => ({ from: { file }, to, mode: 0o644 });

function engine(engineVersion: string): DebPackage[] {
  const version = debEngineVersion(engineVersion);
  return [
    {
      name: "docker-ce",
      version,
      fields: {
        Depends:
          "containerd.io (>= 1.6.4), docker-ce-cli, iptables, libseccomp2 (>= 2.3.0), libc6, libdevmapper1.02.1, libsystemd0",
        Recommends: "apparmor, ca-certificates, docker-ce-rootless-extras, git, pigz, procps, xz-utils",
        Conflicts: "docker (<< 1.5~), docker-engine, docker.io",
        Replaces: "docker-engine",
      },
      description:
        "Docker: the open-source application container engine (ops lab build: Debian docker.io binaries)",
      files: [
        bin("docker.io", "usr/sbin/dockerd", "usr/bin/dockerd"),
        bin("docker.io", "usr/sbin/docker-proxy", "usr/bin/docker-proxy"),
        bin("tini", "usr/bin/tini-static", "usr/bin/docker-init"),
        lab(join(UNITS, "docker.service"), "lib/systemd/system/docker.service"),
        lab(join(UNITS, "docker.socket"), "lib/systemd/system/docker.socket"),
        lab(join(DEB_DIR, "docker.default"), "etc/default/docker"),
      ],
      scripts: ["postinst", "prerm", "postrm"],
      conffiles: ["/etc/default/docker"],
    },
    {
      name: "docker-ce-cli",
      version,
      fields: {
        Depends: "libc6",
        Recommends: "docker-buildx-plugin, docker-compose-plugin",
        Conflicts:
          "docker (<< 1.5~), docker-engine, docker-engine-cs, docker.io, lxc-docker, lxc-docker-virtual-package",
        Replaces: "docker-ce (<< 5:0)",
      },
      description: "Docker CLI: the open-source application container engine (ops lab build)",
      files: [bin("docker.io", "usr/bin/docker")],
      scripts: [],
      conffiles: [],
    },
  ];
}

/** Every package of the repository, given the upstream versions of the repackaged Debian packages. */
export function aptPackages(upstream: { containerd: string; compose: string; buildx: string }): DebPackage[] {
  const plugin = (name: string, deb: DebName, binName: string, v: string): DebPackage => ({
    name,
    version: `${v}${SUFFIX}`,
    fields: { Depends: "libc6", Enhances: "docker-ce-cli" },
    description: `Docker CLI plugin ${binName} (ops lab build: Debian trixie binary)`,
    files: [bin(deb, `usr/libexec/docker/cli-plugins/${binName}`)],
    scripts: [],
    conffiles: [],
  });
  return [
    ...engine(ENGINE_VERSION),
    ...engine(OLDER_ENGINE_VERSION),
    {
      name: "containerd.io",
      version: `${upstream.containerd}-1`,
      fields: {
        Depends: "libc6, libseccomp2 (>= 2.4.1)",
        Provides: "containerd, runc",
        Conflicts: "containerd, runc",
        Replaces: "containerd, runc",
      },
      description: "An open and reliable container runtime (ops lab build: Debian containerd and runc)",
      files: [
        bin("containerd", "usr/bin/containerd"),
        bin("containerd", "usr/bin/containerd-shim-runc-v2"),
        bin("containerd", "usr/bin/ctr"),
        bin("runc", "usr/sbin/runc", "usr/bin/runc"),
        lab(join(UNITS, "containerd.service"), "lib/systemd/system/containerd.service"),
      ],
      scripts: ["postinst", "prerm"],
      conffiles: [],
    },
    plugin("docker-compose-plugin", "docker-compose", "docker-compose", upstream.compose),
    plugin("docker-buildx-plugin", "docker-buildx", "docker-buildx", upstream.buildx),
  ];
}

/** The control file of a package. */
export function controlFile(p: DebPackage, installedSizeKiB: number): string {
  const lines = [
    `Package: ${p.name}`,
    `Version: ${p.version}`,
    "Architecture: amd64",
    "Maintainer: ops lab <lab@ops.invalid>",
    `Installed-Size: ${installedSizeKiB}`,
    ...Object.entries(p.fields).map(([k, v]) => `${k}: ${v}`),
    "Section: admin",
    "Priority: optional",
    `Description: ${p.description}`,
  ];
  return lines.join("\n") + "\n";
}

export { DEB_DIR };
