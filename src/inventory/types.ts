/** The shapes the inventory loader produces and everything downstream consumes. */
import type { Location } from "../errors.js";

/** How to reach one host, from Ansible's `ansible_*` names or the short native ones. */
export interface HostConnection {
  /** Address to connect to (`ansible_host` / `host`), else the inventory name. */
  address: string;
  port?: number;
  user?: string;
  /** `ansible_ssh_private_key_file` / `key`, resolved to an absolute path. */
  privateKeyFile?: string;
  /** `ansible_password` / `ansible_ssh_pass` / `password`: secret. */
  password?: string;
  /** `ansible_become` / `become`. */
  become: boolean;
  /** `ansible_become_password` / `ansible_become_pass` / `become_password`: secret. */
  becomePassword?: string;
  /** `known_hosts` / `ansible_ssh_known_hosts_file`: a known_hosts file to check host keys against. */
  knownHostsFile?: string;
  /** `ansible_connection` / `connection`: "local" runs on this machine through /bin/sh; default SSH. */
  transport?: "ssh" | "local";
}

export interface InventoryHost {
  /** The inventory name. */
  name: string;
  /** Every group the host belongs to, `all` included, outermost first. */
  groups: string[];
  connection: HostConnection;
  /** Merged variables (all < parent groups < child groups < host; group_vars/host_vars files included), connection keys removed. */
  vars: Record<string, unknown>;
  /** Where each variable was set, for error messages. */
  varSources: Record<string, Location>;
  /** Where each connection secret (`ansible_password`, `ansible_become_password`...) was set. */
  connectionSecretSources?: Record<string, Location>;
}

export interface Inventory {
  file: string;
  hosts: InventoryHost[];
  /** group name -> host names (direct and through children) */
  groups: Record<string, string[]>;
  /** Every value that came out of a vault (files and `!vault` values): secrets whatever their schema. */
  vaultSecrets?: readonly string[];
}
