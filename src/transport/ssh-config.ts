/**
 * Where and as whom to connect: the inventory's values, then `~/.ssh/config`, then defaults.
 * The merge is pure (`resolveSshTarget` takes the config text and an environment) so tests need no
 * home directory; `loadSshConfigText` is the only part that reads a file.
 *
 * Honoured: HostName, User, Port, IdentityFile (all of them, `~` and %d %h %r %u %% expanded) and
 * ProxyJump (a comma-separated chain of `[user@]host[:port]` or `ssh://user@host:port`, each hop
 * itself looked up in the config). `Match exec` is never evaluated: reading a config runs nothing.
 */
import { existsSync } from "node:fs";
import { READ_LIMITS, readUserFileIfExistsSync } from "../fs/read-file.js";
import { homedir, userInfo } from "node:os";
import SSHConfig from "ssh-config";
import type { HostConnection } from "../inventory/types.js";

/** One hop: where to connect and which credentials to offer. */
export interface SshEndpoint {
  /** The name the user wrote (inventory address or ProxyJump item), for messages. */
  alias: string;
  host: string;
  port: number;
  user: string;
  /** Private key files to offer, in order; only files that exist. */
  identityFiles: string[];
  /** True when the inventory named the key, so it is offered alone (like IdentitiesOnly). */
  explicitKey: boolean;
}

export interface SshTarget extends SshEndpoint {
  /** Jump hosts, outermost first; empty for a direct connection. */
  jumps: SshEndpoint[];
  /** ssh-agent socket (SSH_AUTH_SOCK) when set. */
  agent?: string;
}

/** What the merge needs from the machine it runs on; `systemSshEnv` fills it for real use. */
export interface SshEnv {
  home: string;
  localUser: string;
  agentSocket?: string;
  /** Whether a file exists, to pick default identity files. */
  exists: (path: string) => boolean;
}

/** The real machine: home directory, login name, SSH_AUTH_SOCK and the file system. */
export function systemSshEnv(): SshEnv {
  const env: SshEnv = { home: homedir(), localUser: userInfo().username, exists: existsSync };
  if (process.env.SSH_AUTH_SOCK) env.agentSocket = process.env.SSH_AUTH_SOCK;
  return env;
}

const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"];

/** Reads an ssh config file; a missing file is an empty config. `null` means "use none". */
export async function loadSshConfigText(file: string | null): Promise<string> {
  if (file === null) return "";
  // Through the one bounded reader: a FIFO or /dev/zero as ~/.ssh/config cannot hang or flood ops.
  return readUserFileIfExistsSync(file, { what: "ssh config", maxBytes: READ_LIMITS.vars }) ?? "";
}

/**
 * Resolves host, port, user, keys and jump chain for one inventory host.
 * Inventory values win over ssh config, which wins over defaults (current user, port 22,
 * ~/.ssh/id_ed25519, id_ecdsa, id_rsa when present).
 *
 * @example resolveSshTarget(configText, { address: "web1", become: false }, env)
 *   // { host: "10.0.0.7", port: 22, user: "deploy", identityFiles: [...], jumps: [...] }
 */
export function resolveSshTarget(configText: string, conn: HostConnection, env: SshEnv): SshTarget {
  const config = SSHConfig.parse(configText);
  const computed = lookup(config, conn.address);
  const endpoint = mergeEndpoint(conn.address, computed, env, {
    port: conn.port,
    user: conn.user,
    key: conn.privateKeyFile,
  });
  const proxyJump = first(computed["proxyjump"]);
  const jumps =
    proxyJump === undefined || proxyJump.toLowerCase() === "none"
      ? []
      : parseProxyJump(proxyJump).map((hop) =>
          mergeEndpoint(hop.host, lookup(config, hop.host), env, { port: hop.port, user: hop.user }),
        );
  const target: SshTarget = { ...endpoint, jumps };
  if (env.agentSocket) target.agent = env.agentSocket;
  return target;
}

/** One item of a ProxyJump value, before the config lookup of its host. */
export interface JumpSpec {
  host: string;
  port?: number;
  user?: string;
}

/** Parses `user@host:port,host2,ssh://u@[::1]:22` into hops. */
export function parseProxyJump(value: string): JumpSpec[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "")
    .map((item) => {
      const rest = item.replace(/^ssh:\/\//, "");
      const at = rest.lastIndexOf("@");
      const user = at >= 0 ? rest.slice(0, at) : undefined;
      const hostPort = at >= 0 ? rest.slice(at + 1) : rest;
      const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort);
      const spec: JumpSpec = { host: match?.[1] ?? hostPort };
      if (match?.[2]) spec.port = Number(match[2]);
      if (user) spec.user = user;
      return spec;
    });
}

function lookup(config: SSHConfig, host: string): Record<string, string | string[]> {
  // ignoreCase: users write `hostname` as often as `HostName`; keys come back lower-cased.
  return config.compute(host, { ignoreCase: true, matchExec: false });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function all(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function mergeEndpoint(
  alias: string,
  computed: Record<string, string | string[]>,
  env: SshEnv,
  given: { port?: number; user?: string; key?: string },
): SshEndpoint {
  const host = first(computed["hostname"])?.replace(/%h/g, alias) ?? alias;
  const configPort = Number(first(computed["port"]));
  const port = given.port ?? (Number.isInteger(configPort) && configPort > 0 ? configPort : 22);
  const user = given.user ?? first(computed["user"]) ?? env.localUser;
  const expand = (path: string): string => expandPath(path, { env, host, user, port });
  if (given.key !== undefined) {
    return { alias, host, port, user, identityFiles: [expand(given.key)], explicitKey: true };
  }
  const configured = all(computed["identityfile"]).map(expand);
  const candidates =
    configured.length > 0 ? configured : DEFAULT_IDENTITIES.map((name) => `${env.home}/.ssh/${name}`);
  return { alias, host, port, user, identityFiles: candidates.filter(env.exists), explicitKey: false };
}

/** Expands `~` and the ssh_config tokens that make sense for a key path. */
function expandPath(path: string, ctx: { env: SshEnv; host: string; user: string; port: number }): string {
  const withHome = path === "~" ? ctx.env.home : path.replace(/^~\//, `${ctx.env.home}/`);
  return withHome.replace(/%([%dhrup])/g, (_all, token: string) => {
    switch (token) {
      case "d":
        return ctx.env.home;
      case "h":
        return ctx.host;
      case "r":
        return ctx.user;
      case "u":
        return ctx.env.localUser;
      case "p":
        return String(ctx.port);
      default:
        return "%";
    }
  });
}
