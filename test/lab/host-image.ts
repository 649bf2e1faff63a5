// Builds the el9 and debian12 host images on top of the debootstrap base (see host/Dockerfile).
// Tagged ops-lab/<kind>:<hash of inputs> so an unchanged lab never rebuilds.
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, LAB_DIR, type HostKind } from "./config.js";
import { imageExists } from "./docker.js";
import { hashInputs } from "./hash.js";
import { ensureBaseImage } from "./rootfs.js";
import { $, timed } from "./sh.js";

const HOST_DIR = join(LAB_DIR, "host");

/** Returns the image reference for a host kind, building it when missing. */
export async function ensureHostImage(kind: HostKind, baseSystemRpm: string): Promise<string> {
  const base = await ensureBaseImage();
  const inputs = [
    base,
    kind,
    { path: HOST_DIR },
    ...(kind === "el9" ? [{ path: baseSystemRpm }] : [OFFLINE_APT]),
  ];
  const ref = `ops-lab/${kind}:${hashInputs(inputs)}`;
  if (await imageExists(ref)) return ref;
  await timed(`building host image ${ref}`, async () => {
    const context = join(CACHE_DIR, "context", kind);
    rmSync(context, { recursive: true, force: true });
    mkdirSync(context, { recursive: true });
    cpSync(HOST_DIR, context, { recursive: true });
    if (kind === "el9") {
      if (!existsSync(baseSystemRpm)) throw new Error(`missing ${baseSystemRpm}`);
      cpSync(baseSystemRpm, join(context, "el9", "ops-lab-base-system.rpm"));
    }
    // The classic builder: this machine's dockerd (20.10) and client (28) need no buildx for it.
    const env = { ...process.env, DOCKER_BUILDKIT: "0" };
    await $({
      env,
    })`docker build -q --label ops-lab-image=1 --build-arg BASE=${base} --build-arg KIND=${kind} -t ${ref} ${context}`;
    rmSync(context, { recursive: true, force: true });
    if (kind === "debian12") await offlineApt(ref);
  });
  return ref;
}

// A debian12 host is offline like the fleets ops serves: apt knows no Debian mirror, only the sources ops
// writes (the lab's Docker-style repo), so nothing an apt test installs can come from the internet, and
// Docker's Recommends (git, pigz...) that no configured source has are skipped, as apt does. Applied as
// a second layer over the shared Dockerfile, so el9 images (hashed from host/) keep their tag.
const OFFLINE_APT = `FROM REF
RUN rm -f /etc/apt/sources.list /etc/apt/sources.list.d/debian.sources && rm -rf /var/lib/apt/lists/*
`;

async function offlineApt(ref: string): Promise<void> {
  const env = { ...process.env, DOCKER_BUILDKIT: "0" };
  const dockerfile = OFFLINE_APT.replace("REF", ref);
  await $({ env, input: dockerfile })`docker build -q --label ops-lab-image=1 -t ${ref} -`;
}
