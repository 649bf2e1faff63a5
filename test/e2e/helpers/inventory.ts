/** Writes small inventories for one scenario, pointing at lab hosts with chosen users and vars. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { LabInfo } from "../../lab/lab.js";

export interface HostEntry {
  name: string;
  address: string;
  vars?: Record<string, unknown>;
}

/** An inventory of `hosts` with the lab's key, known_hosts and repo settings, plus `vars`. */
export function writeInventory(lab: LabInfo, hosts: HostEntry[], vars: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "ops-e2e-"));
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
      hosts: Object.fromEntries(hosts.map((h) => [h.name, { ansible_host: h.address, ...h.vars }])),
    },
  };
  writeFileSync(file, stringify(doc));
  return file;
}
