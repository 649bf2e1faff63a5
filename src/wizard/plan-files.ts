/**
 * From the answers and what the hosts said to the content of hosts.yaml and group_vars/all.yaml,
 * each value with the comment that says where it came from. Pure: no files, no hosts.
 */
import { DOCKER_MIRRORS, chooseRepo } from "../../playbooks/docker-repo.js";
import type { Inventory } from "../inventory/types.js";
import { formatBytes } from "./host-facts.js";
import { nameHosts, type Named } from "./host-names.js";
import type { InventoryContent, Setting } from "./inventory-doc.js";
import type { MirrorsResult } from "./mirrors-step.js";
import type { Login } from "./probe-host.js";
import type { ProbedHost } from "./probe-step.js";
import type { RegistryResult } from "./registry-step.js";
import type { RepoKey } from "./repo-key.js";
import type { VarSetting } from "./vars-doc.js";

export interface PlanInput {
  /** `YYYY-MM-DD`, for the comments. */
  date: string;
  /** How the inventory is called in commands, e.g. `hosts.yaml`. */
  inventoryShown: string;
  hosts: readonly ProbedHost[];
  existing: Inventory | undefined;
  login: Login;
  /** The key was installed and a login with it alone proven. */
  keyInstalled: boolean;
  home: string;
  /** known_hosts given with --known-hosts (written so runs use the same file). */
  knownHostsFile: string | undefined;
  mirrors: MirrorsResult;
  repoKey: RepoKey;
  registry: RegistryResult;
  /** install-engine's docker_cis_profile, when one was chosen. */
  cisProfile?: "level1";
}

export interface FilesPlan {
  inventory: InventoryContent;
  vars: VarSetting[];
  /** The variables set, by name, to find where another file overrides them. */
  intended: Record<string, unknown>;
  names: Named[];
}

/** `~/.ssh/id_ed25519` for a path in the home folder: the inventory reads the same for its owner. */
export function tildePath(path: string, home: string): string {
  return path.startsWith(`${home}/`) ? `~/${path.slice(home.length + 1)}` : path;
}

function connectionSettings(input: PlanInput): Record<string, Setting> {
  const { login } = input;
  const out: Record<string, Setting> = {
    ansible_user: { value: login.user, comment: "the SSH user given to ops init" },
  };
  if (login.auth === "key" && login.keyFile) {
    out["ansible_ssh_private_key_file"] = {
      value: tildePath(login.keyFile, input.home),
      comment: input.keyInstalled
        ? "ops init installed this key on the hosts and proved a login with it alone: no password is kept"
        : "the key given to ops init",
    };
  }
  if (login.become) {
    const asks = input.hosts.filter((h) => h.sudoChecked).length;
    out["ansible_become"] = {
      value: true,
      comment:
        asks === 0
          ? "root through sudo: sudo -n true worked on every host (probed)"
          : `root through sudo; sudo asks ${asks} host(s) for a password, which is not kept here`,
    };
  }
  if (input.knownHostsFile) {
    out["known_hosts"] = {
      value: input.knownHostsFile,
      comment: "host keys confirmed in ops init are recorded in this file",
    };
  }
  return out;
}

/** The repo variable: docker_mirror, or docker_repo_url when that is what the inventory already uses. */
function repoSetting(input: PlanInput): VarSetting {
  const { repo, repoNote } = input.mirrors;
  const usesUrl = input.existing?.hosts.some(
    (h) => typeof h.vars["docker_repo_url"] === "string" && h.vars["docker_repo_url"] !== "",
  );
  // docker_mirror (a preset or a mirror's root) serves every distribution of a mixed inventory.
  if (!usesUrl) return { name: "docker_mirror", value: repo, comment: repoNote };
  return {
    name: "docker_repo_url",
    value: repo in DOCKER_MIRRORS ? chooseRepo({ docker_mirror: repo }).baseUrl : repo,
    comment: repoNote,
  };
}

/**
 * @example planFiles(input).inventory.hosts[0] // { name: "el9-1", address: "172.28.213.10", group: "el9", ... }
 */
export function planFiles(input: PlanInput): FilesPlan {
  const taken = new Set([
    ...(input.existing?.hosts.map((h) => h.name) ?? []),
    ...Object.keys(input.existing?.groups ?? {}),
  ]);
  const names = nameHosts(
    input.hosts.map((h) => ({ label: h.label, hostname: h.facts.hostname, os: h.facts.os })),
    taken,
  );
  const hosts = input.hosts.map((h, i) => {
    const named = names[i] as Named;
    const f = h.facts;
    const free = f.disk ? `, ${formatBytes(f.disk.availableBytes)} free` : "";
    const from = named.nameFrom === "hostname" ? "its hostname" : "its address";
    return {
      name: named.name,
      address: h.target.address,
      port: h.target.port,
      group: named.group,
      comment: `named by ${from}; probed ${input.date}: ${f.os.prettyName}, kernel ${f.kernel.release}, ${f.kernel.arch}${free}`,
    };
  });
  const vars: VarSetting[] = [repoSetting(input)];
  if (input.repoKey.fingerprint) {
    vars.push({
      name: "docker_repo_gpg_fingerprint",
      value: input.repoKey.fingerprint,
      comment: input.repoKey.note,
    });
  }
  if (input.mirrors.registryMirrors.length > 0) {
    vars.push({
      name: "registry_mirrors",
      value: input.mirrors.registryMirrors,
      comment: input.mirrors.mirrorsNote,
    });
  }
  if (input.cisProfile) {
    vars.push({
      name: "docker_cis_profile",
      value: input.cisProfile,
      comment: "the CIS level-1 daemon preset (docs/COMPLIANCE.md); docker_daemon_options overrides any key",
    });
  }
  vars.push(...input.registry.vars);
  const deployHost = input.registry.deployHost;
  const registryHosts = deployHost ? [names.find((n) => n.name === deployHost)?.name ?? deployHost] : [];
  return {
    inventory: {
      header: [
        `Written by \`ops init\` on ${input.date}. Check it with: ops inventory check -i ${input.inventoryShown}`,
        "Comments say where each value came from. ops init keeps comments and keys it does not know when it edits this file.",
      ].join("\n"),
      hosts,
      connection: connectionSettings(input),
      registryHosts,
    },
    vars,
    intended: Object.fromEntries(vars.map((v) => [v.name, v.value])),
    names,
  };
}
