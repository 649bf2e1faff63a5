/**
 * Lifts connection keys (Ansible's `ansible_*` names and ops' short ones) out of a host's merged
 * variables into a HostConnection. Pure: the home folder and base folder are passed in.
 */
import { isAbsolute, join, resolve } from "node:path";
import type { HostConnection } from "./types.js";

/** Each connection field and the names that set it. Aliases compete by precedence, not by name. */
const ALIASES = {
  address: ["ansible_host", "host"],
  port: ["ansible_port", "port"],
  user: ["ansible_user", "user"],
  privateKeyFile: ["ansible_ssh_private_key_file", "key"],
  password: ["ansible_password", "ansible_ssh_pass", "password"],
  become: ["ansible_become", "become"],
  becomePassword: ["ansible_become_password", "ansible_become_pass", "become_password"],
  knownHostsFile: ["known_hosts", "ansible_ssh_known_hosts_file"],
  transport: ["ansible_connection", "connection"],
} as const satisfies Record<keyof HostConnection, readonly string[]>;

const CONNECTION_KEYS = new Set<string>(Object.values(ALIASES).flat());

/** The names of connection secrets: read as the exact text written, never as numbers or booleans. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([...ALIASES.password, ...ALIASES.becomePassword]);

/** Keys that are about connections but that ops does not use; dropped so they never reach playbooks. */
export function isConnectionKey(name: string): boolean {
  return CONNECTION_KEYS.has(name) || name.startsWith("ansible_");
}

/** Ansible's truthy strings (YAML 1.1 already turned bare yes/no into booleans). */
const TRUE = new Set(["yes", "true", "on", "y", "1"]);

export interface PathContext {
  /** Folder of the inventory file: relative key and known_hosts paths start here. */
  baseDir: string;
  home: string;
}

/** `~/x` -> home/x, relative -> baseDir/x. @example resolvePath("~/.ssh/id", { baseDir: "/inv", home: "/root" }) === "/root/.ssh/id" */
export function resolvePath(path: string, ctx: PathContext): string {
  if (path === "~") return ctx.home;
  if (path.startsWith("~/")) return join(ctx.home, path.slice(2));
  return isAbsolute(path) ? path : resolve(ctx.baseDir, path);
}

/**
 * Splits merged variables into the connection and the rest. `rank` says how late each variable was
 * set (higher wins), so `port` in host_vars beats `ansible_port` in group_vars, as Ansible would.
 * Values were type-checked by the inventory schema.
 *
 * @example liftConnection("el9-1", { ansible_host: "10.0.0.5", become: "yes", docker_version: "26" }, {}, ctx)
 * // { connection: { address: "10.0.0.5", become: true }, vars: { docker_version: "26" } }
 */
export function liftConnection(
  name: string,
  merged: Record<string, unknown>,
  rank: Record<string, number>,
  ctx: PathContext,
): { connection: HostConnection; vars: Record<string, unknown> } {
  const pick = (field: keyof typeof ALIASES): unknown => {
    const set = ALIASES[field].filter((k) => merged[k] !== undefined && merged[k] !== null);
    set.sort((a, b) => (rank[b] ?? 0) - (rank[a] ?? 0));
    return set[0] === undefined ? undefined : merged[set[0]];
  };
  const text = (field: keyof typeof ALIASES): string | undefined => {
    const v = pick(field);
    return v === undefined ? undefined : String(v);
  };
  const become = pick("become");
  const port = pick("port");
  const key = text("privateKeyFile");
  const knownHosts = text("knownHostsFile");
  // The schema allows ssh, smart, paramiko (all SSH to ops) and local.
  const transport = text("transport") === "local" ? "local" : undefined;
  const optional = {
    port: typeof port === "number" ? port : undefined,
    user: text("user"),
    privateKeyFile: key === undefined ? undefined : resolvePath(key, ctx),
    password: text("password"),
    becomePassword: text("becomePassword"),
    knownHostsFile: knownHosts === undefined ? undefined : resolvePath(knownHosts, ctx),
    transport,
  };
  const connection: HostConnection = {
    address: text("address") ?? name,
    become: typeof become === "string" ? TRUE.has(become.toLowerCase()) : become === true,
  };
  for (const [k, v] of Object.entries(optional)) {
    if (v !== undefined) Object.assign(connection, { [k]: v });
  }
  const vars = Object.fromEntries(Object.entries(merged).filter(([k]) => !isConnectionKey(k)));
  return { connection, vars };
}
