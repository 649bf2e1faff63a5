// Writes what the lab tells its users: .state/hosts.yaml (an Ansible-format inventory that `ops` and
// ansible-playbook both read) and .state/lab.json (the LabInfo tests load).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { HOST_KINDS, STATE_DIR, type HostKind } from "./config.js";
import type { LabHost } from "./hosts.js";

export const INVENTORY_FILE = join(STATE_DIR, "hosts.yaml");
export const LAB_JSON_FILE = join(STATE_DIR, "lab.json");

export interface LabInfo {
  inventoryFile: string;
  knownHostsFile: string;
  privateKeyFile: string;
  hosts: LabHost[];
  /** Base URL of the lab yum repo, like https://download.docker.com/linux/centos */
  repoUrl: string;
  /** The same content under a mirror-style prefix, like https://mirrors.example.com/docker-ce/linux/centos */
  mirrorRepoUrl: string;
  /**
   * A second tree like https://vendor.example.com/linux/centos whose one docker-ce RPM provides
   * docker-ce-cli, containerd.io and the plugins. Absent in a lab.json written before it existed.
   */
  vendorRepoUrl?: string;
  /**
   * apt repository laid out like https://download.docker.com/linux/debian (dists/bookworm/stable, signed
   * by the same lab key, key at <url>/gpg); its mirror-style twin (like mirrors.example.com/docker-ce/linux/debian);
   * and a twin whose Release is signed by the rogue key, which apt must refuse. Absent in an older lab.json.
   */
  aptRepoUrl?: string;
  aptMirrorRepoUrl?: string;
  aptRogueRepoUrl?: string;
  /** Full fingerprint of the repo's signing key: 40 hex digits, uppercase. */
  gpgFingerprint: string;
  /** Fingerprint of the key that signed ops-lab-rogue (not published by the repo). */
  rogueGpgFingerprint: string;
  /** "addr:5000" of the hub registry (holds library/busybox:latest, library/registry:2, library/nginx:latest). */
  hubRegistry: string;
  /** "http://addr:5000": the pull-through mirror, what hosts get as registry-mirrors. */
  mirrorUrl: string;
  /** Password of the `opspw` account (its sudo asks for it). */
  sudoPassword: string;
  /** The account that logs in with a password over SSH (no authorized key), passwordless sudo. */
  passwordUser: { name: string; password: string };
  subnet: string;
}

export function writeState(info: LabInfo): void {
  mkdirSync(STATE_DIR, { recursive: true });
  const groups: Record<
    string,
    { vars?: Record<string, string>; hosts: Record<string, { ansible_host: string }> }
  > = {};
  // Each family's hosts install from their own tree of the lab repo, as a fleet's group_vars would say.
  const groupVars: Partial<Record<HostKind, Record<string, string>>> = {
    ...(info.aptRepoUrl !== undefined ? { debian12: { docker_repo_url: info.aptRepoUrl } } : {}),
  };
  for (const kind of HOST_KINDS) {
    const hosts = info.hosts.filter((h) => h.kind === kind);
    const vars = groupVars[kind];
    if (hosts.length > 0)
      groups[kind] = {
        ...(vars !== undefined ? { vars } : {}),
        hosts: Object.fromEntries(hosts.map((h) => [h.name, { ansible_host: h.address }])),
      };
  }
  const inventory = {
    all: {
      vars: {
        ansible_user: "root",
        ansible_ssh_private_key_file: info.privateKeyFile,
        ansible_ssh_common_args: `-o UserKnownHostsFile=${info.knownHostsFile} -o StrictHostKeyChecking=yes`,
        ansible_python_interpreter: "/usr/bin/python3",
        known_hosts: info.knownHostsFile,
        docker_repo_url: info.repoUrl,
        docker_repo_gpg_fingerprint: info.gpgFingerprint,
        registry_mirrors: [info.mirrorUrl],
      },
      children: groups,
    },
  };
  const header =
    "# Written by `npm run lab:up` (test/lab). Lab hosts are NOT CentOS: see test/lab/README.md.\n";
  writeFileSync(INVENTORY_FILE, header + stringify(inventory, { lineWidth: 0 }));
  writeFileSync(LAB_JSON_FILE, JSON.stringify(info, null, 2) + "\n");
}
