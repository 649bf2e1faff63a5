/**
 * The registry stack as containers on this machine's engine, for tests of the rendered configs:
 * the lab's registry and nginx images (with busybox), the files renderStack wrote, a private
 * network where nginx reaches `registry` by name. Everything is named ops-unit-<id> and removed.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { $ } from "../../../lab/sh.js";
import { ensureDebs } from "../../../lab/debs.js";
import { ensureServiceImage } from "../../../lab/service-images.js";
import { htpasswdContent } from "../../../../src/registry/htpasswd.js";
import type { RegistryModel } from "../../../../src/registry/model.js";
import type { Stack } from "../../../../src/registry/stack.js";
import { hostLocalConf } from "../../../../src/registry/host-local.js";

export interface LocalStack {
  readonly id: string;
  /** The host folder standing for the registry host's `/`. */
  readonly root: string;
  readonly nginx: string;
  readonly registry: string;
  readonly nginxAddress: string;
  remove(): Promise<void>;
}

/** The compose v2 plugin the lab packages (also runs standalone as `docker-compose`). */
export async function composeBinary(): Promise<string> {
  const debs = await ensureDebs();
  return join(debs["docker-compose"].root, "usr/libexec/docker/cli-plugins/docker-compose");
}

/**
 * Writes a rendered stack under `root` (its absolute paths made relative to root), with the
 * host-local.conf a run writes beside it for an engine with Docker's default userland proxy.
 */
export function writeStack(root: string, stack: Stack): void {
  for (const f of stack.files) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content, { mode: Number.parseInt(f.mode, 8) });
  }
  writeFileSync(join(root, "opt/ops-registry/nginx/host-local.conf"), hostLocalConf(true));
}

export function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), "ops-unit-registry-"));
}

/**
 * Starts registry and nginx from a stack rendered with dir `/opt/ops-registry`, with the accounts'
 * htpasswd planned as a first run would; nginx by its start script, as compose.yaml starts it.
 */
export async function startLocalStack(
  stack: Stack,
  accounts: RegistryModel["accounts"],
): Promise<LocalStack> {
  const id = `ops-unit-${randomBytes(4).toString("hex")}`;
  const root = tempRoot();
  writeStack(root, stack);
  writeFileSync(join(root, "opt/ops-registry/nginx/htpasswd"), htpasswdContent(accounts, null));
  mkdirSync(join(root, "data/audit"), { recursive: true });
  const [registryImage, nginxImage] = [
    await ensureServiceImage("registry-sh"),
    await ensureServiceImage("nginx-sh"),
  ];
  const net = id;
  await $`docker network create ${net}`;
  const registry = `${id}-registry`;
  const registryRo = `${id}-registry-ro`;
  const nginx = `${id}-nginx`;
  const policy = `${id}-policy`;
  const data = join(root, "data/registry");
  mkdirSync(data, { recursive: true });
  const remove = async () => {
    await $`docker rm -fv ${registry} ${registryRo} ${nginx} ${policy}`.nothrow();
    await $`docker network rm ${net}`.nothrow();
    // Files the containers wrote as root: remove them from inside a container of our own.
    await $`docker run --rm -v ${root}:/r --entrypoint /bin/sh ${registryImage} -c ${"rm -rf /r/data"}`.nothrow();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const config = join(root, "opt/ops-registry/registry");
    await $`docker run -d --name ${registry} --network ${net} --network-alias registry -v ${config}:/etc/ops-registry:ro -v ${data}:/var/lib/registry --entrypoint registry ${registryImage} serve /etc/ops-registry/config.yml`;
    // The read-only instance nginx sends pulls to during garbage collection: the same storage, mounted read-only.
    await $`docker run -d --name ${registryRo} --network ${net} --network-alias registry-ro -v ${config}:/etc/ops-registry:ro -v ${data}:/var/lib/registry:ro --entrypoint registry ${registryImage} serve /etc/ops-registry/config-readonly.yml`;
    for (const c of [registry, registryRo])
      await waitFor(
        async () =>
          (
            await $`docker exec ${c} /usr/bin/wget -q -O /dev/null http://127.0.0.1:5001/debug/health`.nothrow()
          ).exitCode === 0,
      );
    // The policy service, when the stack has one: as compose runs it (compose.yaml.ejs), on the same network.
    const policyDir = join(root, "opt/ops-registry/policy");
    if (existsSync(join(policyDir, "server.mjs"))) {
      const state = join(root, "data/policy");
      mkdirSync(state, { recursive: true });
      await $`docker run -d --name ${policy} --network ${net} --network-alias policy -v ${policyDir}:/etc/ops-policy:ro -v ${data}:/var/lib/registry:ro -v ${state}:/var/lib/ops-policy -v ${join(root, "data/audit")}:/var/log/ops-registry:ro --read-only --cap-drop ALL --entrypoint node ${await ensureServiceImage("node")} /etc/ops-policy/server.mjs /etc/ops-policy/policy.json /var/lib/registry registry:5000 http://registry:5001/metrics /var/lib/ops-policy 9000 /var/log/ops-registry/audit.log`;
      const probe =
        "fetch('http://127.0.0.1:9000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))";
      await waitFor(async () => (await $`docker exec ${policy} node -e ${probe}`.nothrow()).exitCode === 0);
    }
    await $`docker run -d --name ${nginx} --network ${net} --add-host proxy:127.0.0.1 --tmpfs /tmp/ops-auth -v ${join(root, "opt/ops-registry/nginx")}:/etc/ops-registry:ro -v ${join(root, "data/audit")}:/var/log/ops-registry ${nginxImage} sh /etc/ops-registry/start.sh`;
    await waitFor(
      async () =>
        (await $`docker exec ${nginx} /usr/bin/wget -q -O /dev/null http://127.0.0.1:8081/health`.nothrow())
          .exitCode === 0,
    );
    const address = (
      await $`docker inspect -f ${`{{(index .NetworkSettings.Networks "${net}").IPAddress}}`} ${nginx}`
    ).stdout.trim();
    return { id, root, nginx, registry, nginxAddress: address, remove };
  } catch (err) {
    const logs = await $`docker logs ${nginx}`.nothrow();
    await remove();
    throw new Error(`${String(err)}\n${logs.stderr}`);
  }
}

async function waitFor(ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("the container did not become healthy");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Files under the registry's storage whose path matches `part` (uploads, blobs...). */
export async function storageEntries(registry: string, part: string): Promise<string[]> {
  const out = await $`docker exec ${registry} /usr/bin/find /var/lib/registry -path ${`*${part}*`}`;
  return out.stdout.split("\n").filter((l) => l !== "");
}
