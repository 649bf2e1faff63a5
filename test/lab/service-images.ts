// Builds library/busybox, library/registry:2 and library/nginx with no internet: FROM scratch images
// holding Debian binaries and the shared libraries ldd lists for them. Tagged ops-lab/<name>:<hash>.
// The `-sh` variants are the same registry and nginx images plus busybox's applets (sh, wget...),
// as the official images carry a shell and an HTTP client: compose health checks run them.
import { chmodSync, cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CACHE_DIR, LAB_DIR } from "./config.js";
import { ensureDebs, type DebName } from "./debs.js";
import { imageExists } from "./docker.js";
import { hashInputs } from "./hash.js";
import { $, timed } from "./sh.js";

export type ServiceImage = "busybox" | "registry" | "nginx" | "registry-sh" | "nginx-sh" | "node";
type BaseImage = "busybox" | "registry" | "nginx";

/** The binary each image is built around: [package, path inside the package, path inside the image]. */
const BINARIES: Record<BaseImage, [DebName, string, string]> = {
  busybox: ["busybox-static", "bin/busybox", "bin/busybox"],
  registry: ["docker-registry", "usr/bin/docker-registry", "bin/registry"],
  nginx: ["nginx", "usr/sbin/nginx", "usr/sbin/nginx"],
};

/** The image folder (images/<base>) a name is built from, and whether busybox's applets are added. */
function variant(name: Exclude<ServiceImage, "node">): { base: BaseImage; busybox: boolean } {
  if (name === "registry-sh") return { base: "registry", busybox: true };
  if (name === "nginx-sh") return { base: "nginx", busybox: true };
  return { base: name, busybox: name === "busybox" };
}

/** Copies the libraries `ldd` resolves for a binary (on this bookworm machine) into the image root. */
async function copyLibraries(binary: string, rootfs: string): Promise<void> {
  const out = await $`ldd ${binary}`.nothrow();
  if (out.stdout.includes("not a dynamic executable") || out.exitCode !== 0) return;
  for (const line of out.stdout.split("\n")) {
    if (line.includes("not found")) throw new Error(`ldd ${binary}: ${line.trim()}`);
    const m = /(\/\S+) \(0x/.exec(line);
    if (m?.[1] === undefined) continue;
    const dest = join(rootfs, m[1]);
    mkdirSync(dirname(dest), { recursive: true });
    cpSync(m[1], dest, { dereference: true });
  }
}

/** Adds the rest of each image's file system: applet links, writable dirs. */
async function finishRootfs(
  name: Exclude<ServiceImage, "node">,
  rootfs: string,
  busyboxRoot: string,
): Promise<void> {
  const { base, busybox } = variant(name);
  const dirs: Record<BaseImage, string[]> = {
    busybox: ["tmp", "root", "srv"],
    registry: ["var/lib/registry", "tmp"],
    nginx: ["var/log/nginx", "var/lib/nginx", "run", "tmp"],
  };
  for (const d of dirs[base]) mkdirSync(join(rootfs, d), { recursive: true });
  chmodSync(join(rootfs, "tmp"), 0o1777);
  if (busybox) {
    if (base !== "busybox") cpSync(join(busyboxRoot, "bin/busybox"), join(rootfs, "bin/busybox"));
    const list = await $`${join(rootfs, "bin/busybox")} --list-full`;
    for (const applet of list.stdout.split("\n").filter((a) => a !== "" && a !== "bin/busybox")) {
      mkdirSync(join(rootfs, dirname(applet)), { recursive: true });
      // The image's own binaries (sbin/nginx...) win over an applet of the same name.
      if (!existsSync(join(rootfs, applet))) symlinkSync("/bin/busybox", join(rootfs, applet));
    }
  }
}

/**
 * library/node: no Debian package has a recent enough node, so the image holds the node binary that
 * runs the lab itself (Node 20, as package.json requires), with its libraries.
 */
async function ensureNodeImage(): Promise<string> {
  const source = join(LAB_DIR, "images", "node");
  const ref = `ops-lab/node:${hashInputs([{ path: source }, process.version, process.arch])}`;
  if (await imageExists(ref)) return ref;
  await timed(`building image ${ref}`, async () => {
    const context = join(CACHE_DIR, "context", "node");
    rmSync(context, { recursive: true, force: true });
    cpSync(source, context, { recursive: true });
    const rootfs = join(context, "rootfs");
    mkdirSync(join(rootfs, "usr/local/bin"), { recursive: true });
    cpSync(process.execPath, join(rootfs, "usr/local/bin/node"), { dereference: true });
    await copyLibraries(join(rootfs, "usr/local/bin/node"), rootfs);
    mkdirSync(join(rootfs, "tmp"), { recursive: true });
    chmodSync(join(rootfs, "tmp"), 0o1777);
    const env = { ...process.env, DOCKER_BUILDKIT: "0" };
    await $({ env })`docker build -q --label ops-lab-image=1 -t ${ref} ${context}`;
    rmSync(context, { recursive: true, force: true });
  });
  return ref;
}

/** Returns `ops-lab/<name>:<hash>`, building it when missing. */
export async function ensureServiceImage(name: ServiceImage): Promise<string> {
  if (name === "node") return ensureNodeImage();
  const debs = await ensureDebs();
  const { base, busybox } = variant(name as Exclude<ServiceImage, "node">);
  const [pkg, from, to] = BINARIES[base];
  const source = join(LAB_DIR, "images", base);
  // The .deb's name, not its path: the same package must give the same tag in every checkout.
  const extra = busybox && base !== "busybox" ? [basename(debs["busybox-static"].deb)] : [];
  const ref = `ops-lab/${name}:${hashInputs([{ path: source }, basename(debs[pkg].deb), ...extra])}`;
  if (await imageExists(ref)) return ref;
  await timed(`building image ${ref}`, async () => {
    const context = join(CACHE_DIR, "context", name);
    rmSync(context, { recursive: true, force: true });
    cpSync(source, context, { recursive: true });
    const rootfs = join(context, "rootfs");
    mkdirSync(join(rootfs, dirname(to)), { recursive: true });
    cpSync(join(debs[pkg].root, from), join(rootfs, to));
    await copyLibraries(join(rootfs, to), rootfs);
    await finishRootfs(name, rootfs, debs["busybox-static"].root);
    const env = { ...process.env, DOCKER_BUILDKIT: "0" };
    await $({ env })`docker build -q --label ops-lab-image=1 -t ${ref} ${context}`;
    rmSync(context, { recursive: true, force: true });
  });
  return ref;
}
