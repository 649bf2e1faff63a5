/**
 * The registry scenario's lab setup: an inventory with a `registry` group (el9-1) and an `engines`
 * group (el9-2, el9-3), accounts in Harbor's roles, and what tests read back from the hosts.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { hostExec, readLab, type LabInfo } from "../../lab/lab.js";
import { ops, type OpsResult } from "./ops-cli.js";
import { $ } from "../../lab/sh.js";

export const PASSWORDS = {
  root: "root-Pass-8e1f",
  dev: "dev-Pass-51c2",
  guest: "guest-Pass-77a0",
  keeper: "keeper-Pass-3b9d",
  ci: "robot-Pass-c4e6",
};

export interface RegistryLab {
  dir: string;
  inventory: string;
  registry: string;
  engines: [string, string];
  address: string;
}

/** The registry variables the scenario starts with (passwords may be overridden). */
export function registryVars(lab: LabInfo, passwords = PASSWORDS): Record<string, unknown> {
  return {
    registry_images: { registry: "registry:2.8.2", nginx: "nginx:1.22.1", policy: "node:20" },
    registry_proxy_cache: {
      enabled: true,
      remote_url: `http://${lab.hubRegistry}`,
      members: ["guest"],
    },
    registry_users: [
      { name: "root", password: passwords.root, admin: true },
      { name: "dev", password: passwords.dev },
      { name: "guest", password: passwords.guest },
      { name: "keeper", password: passwords.keeper },
      { name: "ci", password: passwords.ci, robot: true },
    ],
    registry_projects: [
      {
        name: "team",
        members: [
          { user: "dev", role: "developer" },
          { user: "guest", role: "guest" },
          { user: "keeper", role: "maintainer" },
          { user: "robot$ci", role: "developer" },
        ],
      },
      { name: "pub", public: true, members: [{ user: "dev", role: "developer" }] },
    ],
  };
}

/**
 * Writes `hosts.yaml` (lab connection settings, then `vars`) into `dir`; returns its path. The
 * registry group is `hosts[0]`, the engines group the rest (default: the lab's first three hosts);
 * with no other host, the registry host is the inventory's only host.
 */
export function writeRegistryInventory(
  lab: LabInfo,
  dir: string,
  vars: Record<string, unknown>,
  hosts: readonly { name: string; address: string }[] = lab.hosts.slice(0, 3),
): string {
  const [reg, ...engines] = hosts;
  if (!reg) throw new Error("the registry scenario needs a registry host");
  const file = join(dir, "hosts.yaml");
  const doc = {
    all: {
      vars: {
        ansible_user: "root",
        ansible_ssh_private_key_file: lab.privateKeyFile,
        known_hosts: lab.knownHostsFile,
        docker_repo_url: lab.repoUrl,
        docker_repo_gpg_fingerprint: lab.gpgFingerprint,
        registry_mirrors: [lab.mirrorUrl],
        ...vars,
      },
      children: {
        registry: { hosts: { [reg.name]: { ansible_host: reg.address } } },
        ...(engines.length === 0
          ? {}
          : {
              engines: {
                hosts: Object.fromEntries(engines.map((h) => [h.name, { ansible_host: h.address }])),
              },
            }),
      },
    },
  };
  writeFileSync(file, stringify(doc));
  return file;
}

export function registryLab(lab: LabInfo): RegistryLab {
  const dir = mkdtempSync(join(tmpdir(), "ops-e2e-registry-"));
  const [reg, e1, e2] = lab.hosts;
  if (!reg || !e1 || !e2) throw new Error("the registry scenario needs three lab hosts");
  return {
    dir,
    inventory: writeRegistryInventory(lab, dir, registryVars(lab)),
    registry: reg.name,
    engines: [e1.name, e2.name],
    address: reg.address,
  };
}

/** `docker login` with the password on stdin (never in any argv), as a careful script would. */
export async function dockerLogin(
  host: string,
  registry: string,
  user: string,
  password: string,
): Promise<string> {
  const container = readLab().hosts.find((h) => h.name === host)?.container ?? host;
  const r = await $({
    input: password,
    nothrow: true,
  })`docker exec -i ${container} docker login ${registry} -u ${user} --password-stdin`;
  return `${r.exitCode} ${r.stdout}${r.stderr}`;
}

/** Every file under the registry's storage with its size: equal lists mean nothing was stored. */
export async function storageListing(host: string, dir = "/var/lib/ops-registry/registry"): Promise<string> {
  return hostExec(host, `cd ${dir} && find . -type f -printf '%p %s\\n' | sort`);
}

/** Bytes under a folder of the host. */
export async function bytesIn(host: string, dir: string): Promise<number> {
  return Number((await hostExec(host, `du -sb ${dir} | cut -f1`)).trim());
}

/** IDs of the stack's containers by service. */
export async function containerIds(host: string): Promise<Record<string, string>> {
  const out = await hostExec(
    host,
    "docker ps --filter label=com.docker.compose.project=ops-registry --format '{{.Label \"com.docker.compose.service\"}} {{.ID}}'",
  );
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((l) => l.split(" ") as [string, string]),
  );
}

/** `ops run install-engine` on one host of the inventory, with extra variables (JSON) or without. */
export function installEngineOn(inventory: string, host: string, extraVars?: string): Promise<OpsResult> {
  const extra = extraVars !== undefined ? ["-e", extraVars] : [];
  return ops(["run", "install-engine", "-i", inventory, "--limit", host, ...extra, "--output", "json"]);
}
