// Where the lab keeps its files and which addresses it uses. Everything else imports from here so
// a second lab (another subnet, see OPS_LAB_SUBNET) never needs a code change.
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
/** Build caches (debootstrap tarballs, .debs, RPMs, GPG keys, repo tree): kept by lab:down. */
// Resolved through a symbolic link, so several checkouts of the project (git worktrees) that link
// their .cache to one folder render the same container specs and share one lab without recreating it.
export const CACHE_DIR = resolved(join(LAB_DIR, ".cache"));
/** Per-run state (inventory, known_hosts, client key): removed by lab:down. */
export const STATE_DIR = resolved(join(LAB_DIR, ".state"));

function resolved(path: string): string {
  return existsSync(path) ? realpathSync(path) : path;
}

/** Debian mirror used at build time only; tests never need it. */
export const DEBIAN_MIRROR = process.env.OPS_LAB_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";

/** A /24 unlikely to collide with the default docker0 (172.17/16) or user networks. */
export const SUBNET = process.env.OPS_LAB_SUBNET ?? "172.28.213.0/24";
export const NETWORK = "ops-lab";
/** Every container, network and volume the lab makes carries this label, so lab:down removes by label. */
export const LABEL_KEY = "ops-lab";
export const LABEL = `${LABEL_KEY}=1`;

/** The n-th address of the lab subnet (n = 1..254). */
export function labAddress(n: number): string {
  const base = SUBNET.split("/")[0] ?? "";
  const octets = base.split(".");
  if (octets.length !== 4) throw new Error(`OPS_LAB_SUBNET must look like a.b.c.0/24, got ${SUBNET}`);
  return [...octets.slice(0, 3), String(n)].join(".");
}

export const REPO_ADDRESS = labAddress(2);
export const HUB_ADDRESS = labAddress(3);
export const MIRROR_ADDRESS = labAddress(4);
/** Hosts take .10 onward: el9 hosts first (.10-.99), debian12 hosts from .100. */
export const EL9_FIRST = 10;
export const DEBIAN12_FIRST = 100;

export const REPO_CONTAINER = "ops-lab-repo";
export const HUB_CONTAINER = "ops-lab-hub";
export const MIRROR_CONTAINER = "ops-lab-mirror";

/** The password of the `opspw` account, whose sudo asks for one. Lab-only, not a secret. */
export const SUDO_PASSWORD = "lab-sudo-pass";

/** The account that logs in with a password over SSH (no key), for ops init. Lab-only, not a secret. */
export const PASSWORD_USER = "opsinit";
export const PASSWORD_LOGIN_PASSWORD = "lab-init-pass";

export type HostKind = "el9" | "debian12";
export const HOST_KINDS: readonly HostKind[] = ["el9", "debian12"];
