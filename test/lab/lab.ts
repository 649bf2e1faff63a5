// The lab's API for end-to-end tests (and the CLI in cli.ts):
//   const lab = await labUp();                // build what is missing, start what is not running
//   await hostExec("el9-1", "rpm -q docker-ce"); // assertions from inside a host (docker exec, not SSH)
//   await recreateHost("el9-1");              // a fresh host with new SSH host keys, in seconds
//   await labDown();                          // remove every lab container, network and volume
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  HUB_ADDRESS,
  LABEL,
  LAB_DIR,
  MIRROR_ADDRESS,
  NETWORK,
  PASSWORD_LOGIN_PASSWORD,
  PASSWORD_USER,
  REPO_ADDRESS,
  STATE_DIR,
  SUBNET,
  SUDO_PASSWORD,
} from "./config.js";
import { ensureDebs } from "./debs.js";
import { containerImage, labContainers, removeContainer } from "./docker.js";
import { ensureHostImage } from "./host-image.js";
import {
  authorizeKey,
  ensureHost,
  plannedHosts,
  readHostKeys,
  waitBooted,
  netSysctlsWritable,
  waitSsh,
  type LabHost,
} from "./hosts.js";
import { INVENTORY_FILE, LAB_JSON_FILE, writeState, type LabInfo } from "./inventory.js";
import {
  KNOWN_HOSTS_FILE,
  PRIVATE_KEY_FILE,
  ensureClientKey,
  readKnownHosts,
  writeKnownHosts,
} from "./keys.js";
import { ensureBaseImage } from "./rootfs.js";
import { ensureRepoTree, ensureRhelAlias } from "./rpms.js";
import { ensureNetwork, ensureRegistries, ensureRepoServer } from "./services.js";
import { VENDOR_PREFIX, ensureVendorTree } from "./vendor-repo.js";
import { APT_PATH, APT_ROGUE_PREFIX, ensureAptTree } from "./apt-repo.js";
import { $, log, timed } from "./sh.js";

export type { LabHost, LabInfo };

export interface LabUpOptions {
  /** Number of el9 hosts (el9-1..N). Default: as many as the running lab has, or 3. */
  el9?: number;
  /** Number of debian12 hosts (debian12-1..M). Default: as many as the running lab has, or 1. */
  debian12?: number;
}

/** The LabInfo of the running lab, as written by the last labUp (throws when there is none). */
export function readLab(): LabInfo {
  if (!existsSync(LAB_JSON_FILE)) throw new Error("no lab is up: run `npm run lab:up` first");
  return JSON.parse(readFileSync(LAB_JSON_FILE, "utf8")) as LabInfo;
}

/** How many hosts of each kind the running lab has (undefined when no lab is up). */
export function currentCounts(): { el9: number; debian12: number } | undefined {
  if (!existsSync(LAB_JSON_FILE)) return undefined;
  const hosts = readLab().hosts;
  return {
    el9: hosts.filter((h) => h.kind === "el9").length,
    debian12: hosts.filter((h) => h.kind === "debian12").length,
  };
}

/** Boots one host to the point where sshd answers with the key recorded for it. */
async function bringUp(host: LabHost, image: string, publicKey: string, fresh: boolean): Promise<string[]> {
  const started = await ensureHost(host, image, fresh);
  // A host kept running may carry a unit a test left failed (a GC run it stopped, say): that is the
  // test's business, not a boot failure, so only a host started now must boot to "running".
  if (!started) await $`docker exec ${host.container} systemctl reset-failed`.nothrow();
  await waitBooted(host);
  await netSysctlsWritable(host);
  await authorizeKey(host, publicKey);
  return readHostKeys(host);
}

/** Builds what is missing, starts what is not running, and writes inventory, known_hosts and lab.json. */
export async function labUp(options: LabUpOptions = {}): Promise<LabInfo> {
  const counts = currentCounts();
  const el9 = options.el9 ?? counts?.el9 ?? 3;
  const debian12 = options.debian12 ?? counts?.debian12 ?? 1;
  await $`bash ${join(LAB_DIR, "prereqs.sh")}`.quiet(false);
  await ensureDebs();
  // debootstrap and rpmbuild are the slow steps of a cold build; run them side by side.
  const [, repo] = await Promise.all([
    ensureBaseImage(),
    ensureRepoTree().then(async (tree) => {
      await ensureVendorTree(tree.root);
      await ensureAptTree(tree.root);
      ensureRhelAlias(tree.root);
      return tree;
    }),
  ]);
  const images = {
    el9: await ensureHostImage("el9", repo.baseSystemRpm),
    debian12: debian12 > 0 ? await ensureHostImage("debian12", repo.baseSystemRpm) : "",
  };
  await ensureNetwork();
  await ensureRepoServer(repo.root);
  await ensureRegistries();

  const hosts = plannedHosts(el9, debian12);
  const wanted = new Set(hosts.map((h) => h.container));
  for (const c of await labContainers("ops-lab-host")) if (!wanted.has(c)) await removeContainer(c);
  const publicKey = await ensureClientKey();
  const keys = new Map<string, string[]>();
  await timed(`starting ${hosts.length} host(s)`, async () => {
    const results = await Promise.all(hosts.map((h) => bringUp(h, images[h.kind], publicKey, false)));
    hosts.forEach((h, i) => keys.set(h.address, results[i] ?? []));
    writeKnownHosts(keys);
    await Promise.all(hosts.map((h) => waitSsh(h)));
  });

  const info: LabInfo = {
    inventoryFile: INVENTORY_FILE,
    knownHostsFile: KNOWN_HOSTS_FILE,
    privateKeyFile: PRIVATE_KEY_FILE,
    hosts,
    repoUrl: `http://${REPO_ADDRESS}/linux/centos`,
    mirrorRepoUrl: `http://${REPO_ADDRESS}/docker-ce/linux/centos`,
    vendorRepoUrl: `http://${REPO_ADDRESS}/${VENDOR_PREFIX}/linux/centos`,
    aptRepoUrl: `http://${REPO_ADDRESS}/${APT_PATH}`,
    aptMirrorRepoUrl: `http://${REPO_ADDRESS}/docker-ce/${APT_PATH}`,
    aptRogueRepoUrl: `http://${REPO_ADDRESS}/${APT_ROGUE_PREFIX}/${APT_PATH}`,
    gpgFingerprint: repo.fingerprint,
    rogueGpgFingerprint: repo.rogueFingerprint,
    hubRegistry: `${HUB_ADDRESS}:5000`,
    mirrorUrl: `http://${MIRROR_ADDRESS}:5000`,
    sudoPassword: SUDO_PASSWORD,
    passwordUser: { name: PASSWORD_USER, password: PASSWORD_LOGIN_PASSWORD },
    subnet: SUBNET,
  };
  writeState(info);
  log(`lab is up: ${hosts.map((h) => `${h.name}=${h.address}`).join(" ")}; inventory ${INVENTORY_FILE}`);
  return info;
}

/** Replaces a host with a fresh container (new SSH host keys, empty /var/lib/docker) and updates known_hosts. */
export async function recreateHost(name: string): Promise<LabHost> {
  const host = readLab().hosts.find((h) => h.name === name);
  if (host === undefined) throw new Error(`no lab host named ${name}`);
  const image = await containerImage(host.container);
  if (image === undefined) throw new Error(`${host.container} does not exist: run labUp first`);
  const keys = readKnownHosts();
  keys.set(host.address, await bringUp(host, image, await ensureClientKey(), true));
  writeKnownHosts(keys);
  await waitSsh(host);
  return host;
}

/** Result of a command run inside a host. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a shell script as root inside a host via docker exec (for test assertions, not for `ops` itself). */
export async function hostExecResult(name: string, script: string): Promise<ExecResult> {
  const r = await $`docker exec ${"ops-lab-" + name} bash -c ${script}`.nothrow();
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Like hostExecResult, but returns stdout and throws when the script fails. */
export async function hostExec(name: string, script: string): Promise<string> {
  const r = await hostExecResult(name, script);
  if (r.exitCode !== 0) throw new Error(`${name}: exit ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Removes every container, volume and network labelled ops-lab=1 and the .state files; keeps caches and images. */
export async function labDown(): Promise<void> {
  const containers = await labContainers(LABEL);
  if (containers.length > 0) await $`docker rm -f -v ${containers}`;
  const volumes = (await $`docker volume ls -q --filter label=${LABEL}`).stdout.split("\n").filter(Boolean);
  if (volumes.length > 0) await $`docker volume rm -f ${volumes}`;
  await $`docker network rm ${NETWORK}`.nothrow();
  rmSync(STATE_DIR, { recursive: true, force: true });
  log(`lab is down (removed ${containers.length} containers, ${volumes.length} volumes)`);
}
