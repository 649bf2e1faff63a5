// The base image of every lab host: a Debian bookworm minbase root made by debootstrap, cached as a
// tarball in .cache and `docker import`ed. bookworm (not trixie) because its dnf 4.14 / rpm 4.18 are the
// versions EL9 ships, and because Debian's Ansible 2.14 drives its python3.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, DEBIAN_MIRROR } from "./config.js";
import { imageExists } from "./docker.js";
import { hashInputs } from "./hash.js";
import { $, log, timed } from "./sh.js";

/** What every host has: systemd as PID 1, sshd, sudo, real dnf/rpm, python3 for Ansible, iptables for dockerd. */
export const HOST_PACKAGES = [
  "systemd",
  "systemd-sysv",
  "dbus",
  "openssh-server",
  "sudo",
  "dnf",
  "rpm",
  "python3",
  "python3-dnf",
  "iptables",
  "curl",
  "ca-certificates",
  "procps",
  "iproute2",
  "kmod",
  "util-linux",
  // dockerd links libdevmapper; EL9 has it in its base (device-mapper-libs), so the host has it too.
  "libdevmapper1.02.1",
];

const SUITE = "bookworm";

/** Builds (or reuses) the debootstrap tarball and returns its path. */
async function ensureTarball(hash: string): Promise<string> {
  const dir = join(CACHE_DIR, "rootfs");
  const tarball = join(dir, `${SUITE}-${hash}.tar`);
  if (existsSync(tarball)) return tarball;
  mkdirSync(dir, { recursive: true });
  const root = join(dir, `tmp-${SUITE}-${hash}`);
  rmSync(root, { recursive: true, force: true });
  await timed(`debootstrap ${SUITE} minbase (${HOST_PACKAGES.length} packages)`, async () => {
    await $`debootstrap --variant=minbase --include=${HOST_PACKAGES.join(",")} ${SUITE} ${root} ${DEBIAN_MIRROR}`;
  });
  // Downloaded .debs and apt lists only make the image bigger; hosts never need them offline.
  await $`rm -rf ${root}/var/cache/apt/archives/*.deb ${root}/var/lib/apt/lists/* ${root}/debootstrap`;
  await $`tar -C ${root} --numeric-owner -cf ${tarball + ".part"} .`;
  renameSync(tarball + ".part", tarball);
  rmSync(root, { recursive: true, force: true });
  return tarball;
}

/** Returns `ops-lab/base:<hash>`, importing the cached tarball when the image is missing. */
export async function ensureBaseImage(): Promise<string> {
  const hash = hashInputs([SUITE, DEBIAN_MIRROR, ...HOST_PACKAGES]);
  const ref = `ops-lab/base:${hash}`;
  if (await imageExists(ref)) return ref;
  const tarball = await ensureTarball(hash);
  log(`docker import ${tarball} as ${ref}`);
  await $`docker import ${tarball} ${ref}`;
  return ref;
}
