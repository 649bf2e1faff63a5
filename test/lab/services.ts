// The lab's network and its service containers at fixed addresses: the yum repo (.2), the "hub"
// registry (.3) seeded with the offline-built images, and the pull-through "mirror" registry (.4).
import { createHash } from "node:crypto";
import {
  HUB_ADDRESS,
  HUB_CONTAINER,
  LABEL,
  MIRROR_ADDRESS,
  MIRROR_CONTAINER,
  NETWORK,
  REPO_ADDRESS,
  REPO_CONTAINER,
  SUBNET,
} from "./config.js";
import { containerState, removeContainer } from "./docker.js";
import { $, log } from "./sh.js";
import { ensureServiceImage, type ServiceImage } from "./service-images.js";

/** What the hub serves: image, repository and tag, as on Docker Hub. */
const SEED: [ServiceImage, string, string][] = [
  ["busybox", "library/busybox", "latest"],
  ["registry", "library/registry", "2"],
  ["nginx", "library/nginx", "latest"],
  // With busybox (sh, wget) for compose health checks: what deploy-registry's e2e test runs.
  ["registry-sh", "library/registry", "2.8.2"],
  ["nginx-sh", "library/nginx", "1.22.1"],
  // node for the registry's policy service (its image defaults to node:22-alpine).
  ["node", "library/node", "20"],
];

export async function ensureNetwork(): Promise<void> {
  if ((await $`docker network inspect ${NETWORK}`.nothrow()).exitCode === 0) return;
  await $`docker network create --label ${LABEL} --subnet ${SUBNET} ${NETWORK}`;
}

/**
 * Runs a container unless one with the same name and the same arguments is running already
 * (a label holds a hash of the arguments, so changed inputs recreate it and unchanged ones are reused).
 */
export async function ensureContainer(name: string, ip: string, args: string[]): Promise<void> {
  const spec = createHash("sha256")
    .update(JSON.stringify([ip, ...args]))
    .digest("hex")
    .slice(0, 12);
  const current = await $`docker inspect -f ${'{{index .Config.Labels "ops-lab-spec"}}'} ${name}`.nothrow();
  if ((await containerState(name)) === "running" && current.stdout.trim() === spec) return;
  await removeContainer(name);
  log(`starting ${name} at ${ip}`);
  await $`docker run -d --name ${name} --hostname ${name} --label ${LABEL} --label ops-lab-spec=${spec} --network ${NETWORK} --ip ${ip} ${args}`;
}

/** Waits until url answers with an HTTP status below 500 (any answer proves the server is up). */
export async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Serves the repo tree read-only with busybox httpd at REPO_ADDRESS:80. */
export async function ensureRepoServer(treeRoot: string): Promise<void> {
  const busybox = await ensureServiceImage("busybox");
  await ensureContainer(REPO_CONTAINER, REPO_ADDRESS, [
    "-v",
    `${treeRoot}:/srv:ro`,
    busybox,
    "httpd",
    "-f",
    "-p",
    "80",
    "-h",
    "/srv",
  ]);
  await waitHttp(`http://${REPO_ADDRESS}/linux/centos/gpg`);
}

/** A registry container whose storage is a labelled anonymous volume, so lab:down finds it. */
function registryArgs(image: string, env: string[]): string[] {
  return [
    "--mount",
    `type=volume,dst=/var/lib/registry,volume-label=${LABEL}`,
    ...env.flatMap((e) => ["-e", e]),
    image,
  ];
}

/** Starts hub and mirror and seeds the hub with any image it lacks. */
export async function ensureRegistries(): Promise<void> {
  const registry = await ensureServiceImage("registry");
  await ensureContainer(HUB_CONTAINER, HUB_ADDRESS, registryArgs(registry, []));
  await ensureContainer(
    MIRROR_CONTAINER,
    MIRROR_ADDRESS,
    registryArgs(registry, [`REGISTRY_PROXY_REMOTEURL=http://${HUB_ADDRESS}:5000`]),
  );
  await waitHttp(`http://${HUB_ADDRESS}:5000/v2/`);
  await waitHttp(`http://${MIRROR_ADDRESS}:5000/v2/`);
  for (const [name, repo, tag] of SEED) {
    const manifest = await fetch(`http://${HUB_ADDRESS}:5000/v2/${repo}/manifests/${tag}`, {
      method: "HEAD",
      headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    if (manifest.status === 200) continue;
    const image = await ensureServiceImage(name);
    log(`seeding hub with ${repo}:${tag}`);
    await $`skopeo copy --quiet --dest-tls-verify=false docker-daemon:${image} docker://${HUB_ADDRESS}:5000/${repo}:${tag}`;
  }
}
