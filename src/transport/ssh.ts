/**
 * The SSH transport (node-ssh on ssh2): resolve the target through ~/.ssh/config, verify every
 * hop's host key against known_hosts, authenticate, hop through ProxyJump hosts with forwardOut,
 * then run each exec as one `sh -c` (or sudo) command on one connection.
 */
import type { Readable } from "node:stream";
import { NodeSSH, type Config } from "node-ssh";
import type { HostConnection } from "../inventory/types.js";
import { knownHostsFileFor } from "./known-hosts-check.js";
import { readKnownHosts } from "./known-hosts-file.js";
import { KnownHostsFileError } from "./known-hosts-read.js";
import type { Limiter } from "./limiter.js";
import { defaultHandshakes } from "./limiter.js";
import { planAuth } from "./ssh-auth.js";
import { ConnectError } from "../errors.js";
import {
  loadSshConfigText,
  resolveSshTarget,
  systemSshEnv,
  type SshEndpoint,
  type SshTarget,
} from "./ssh-config.js";
import { toConnectError } from "./ssh-errors.js";
import { hostKeyCheck, type HostKeyPolicy } from "./ssh-host-key.js";
import { SshTransport } from "./ssh-transport.js";
import type { Transport } from "./transport.js";

export interface SshOptions {
  /** Default: conn.knownHostsFile, else ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /**
   * "strict" refuses unknown keys; "accept-new" records a host's first key; a function is asked
   * about each first key (true records it). Changed keys are always refused.
   */
  hostKeyPolicy: HostKeyPolicy;
  /** Default ~/.ssh/config; `null` reads none (tests, or a clean environment). */
  sshConfigFile?: string | null;
  /** How long one handshake may take. Default 10000. */
  readyTimeoutMs?: number;
  /** SSH keepalive period; three unanswered ones mark the host lost. Default 5000. */
  keepaliveIntervalMs?: number;
  /** Bounds handshakes in flight across hosts. Default: a process-wide limiter of 16. */
  handshakes?: Limiter;
}

/**
 * Opens an SSH connection to one inventory host, through its jump hosts if any.
 * Rejects with ConnectError (unreachable, refused, host key unknown or changed, auth failed).
 *
 * @example const t = await connectSsh("web1", host.connection, { hostKeyPolicy: "strict" });
 *          const { stdout } = await t.exec("uname -r");
 */
export async function connectSsh(
  name: string,
  conn: HostConnection,
  options: SshOptions,
): Promise<Transport> {
  const env = systemSshEnv();
  const configFile = options.sshConfigFile === undefined ? `${env.home}/.ssh/config` : options.sshConfigFile;
  let target: SshTarget;
  try {
    target = resolveSshTarget(await loadSshConfigText(configFile), conn, env);
  } catch (error) {
    throw new ConnectError(
      name,
      `cannot read the ssh config ${configFile ?? ""}: ${(error as Error).message.split("\n")[0]}`,
      "fix the file or point ops at another one",
    );
  }
  const hop: HopSettings = {
    name,
    knownHostsFile: knownHostsFileFor(conn, options.knownHostsFile, env.home),
    policy: options.hostKeyPolicy,
    readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 5_000,
    handshakes: options.handshakes ?? defaultHandshakes,
    agent: target.agent,
  };
  const chain = [...target.jumps, target];
  const opened: NodeSSH[] = [];
  try {
    let sock: Readable | undefined;
    for (const [index, endpoint] of chain.entries()) {
      const previous = chain[index - 1];
      const via = previous ? `via jump host ${previous.alias}` : undefined;
      const isTarget = index === chain.length - 1;
      opened.push(await handshake(hop, endpoint, isTarget ? conn.password : undefined, sock, via));
      const next = chain[index + 1];
      if (next) sock = await forward(hop, opened[index] as NodeSSH, endpoint, next);
    }
  } catch (error) {
    for (const ssh of opened.reverse()) ssh.dispose();
    throw error;
  }
  return new SshTransport(name, target.host, opened, {
    become: conn.become,
    isRoot: target.user === "root",
    becomePassword: conn.becomePassword,
  });
}

interface HopSettings {
  name: string;
  knownHostsFile: string;
  policy: HostKeyPolicy;
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  handshakes: Limiter;
  agent: string | undefined;
}

/** One authenticated SSH connection, directly or over `sock` (a channel of the previous hop). */
async function handshake(
  hop: HopSettings,
  endpoint: SshEndpoint,
  password: string | undefined,
  sock: Readable | undefined,
  via: string | undefined,
): Promise<NodeSSH> {
  const auth = await planAuth(hop.name, endpoint, hop.agent, password);
  const attempt = {
    name: hop.name,
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    offered: auth.offered,
    readyTimeoutMs: hop.readyTimeoutMs,
    via,
  };
  return hop.handshakes.run(async () => {
    // Read known_hosts per hop: an earlier hop may just have accepted a key for the same host.
    const entries = await readKnownHosts(hop.knownHostsFile).catch((error: unknown) => {
      if (!(error instanceof KnownHostsFileError)) throw error;
      throw new ConnectError(hop.name, `known_hosts ${hop.knownHostsFile} ${error.message}`, error.hint);
    });
    const check = hostKeyCheck(
      hop.name,
      endpoint.host,
      endpoint.port,
      entries,
      hop.knownHostsFile,
      hop.policy,
    );
    const config: Config = {
      port: endpoint.port,
      username: endpoint.user,
      authHandler: auth.handler,
      hostVerifier: check.verifier,
      algorithms: { serverHostKey: check.algorithms },
      readyTimeout: hop.readyTimeoutMs,
      keepaliveInterval: hop.keepaliveIntervalMs,
      keepaliveCountMax: 3,
    };
    if (sock) config.sock = sock;
    else config.host = endpoint.host;
    const ssh = new NodeSSH();
    try {
      await ssh.connect(config);
    } catch (error) {
      ssh.dispose();
      throw check.refusal() ?? toConnectError(error, attempt);
    }
    // node-ssh drops its 'error' listener once ready; without one, a later socket error would be
    // an unhandled 'error' event and kill the process. SshTransport adds the listener that reports.
    ssh.connection?.on("error", () => undefined);
    return ssh;
  });
}

/** A channel from `from` to the next hop's sshd, used as the next connection's socket. */
async function forward(
  hop: HopSettings,
  ssh: NodeSSH,
  from: SshEndpoint,
  to: SshEndpoint,
): Promise<Readable> {
  try {
    return await ssh.forwardOut("127.0.0.1", 0, to.host, to.port);
  } catch (error) {
    throw toConnectError(error, {
      name: hop.name,
      host: to.host,
      port: to.port,
      user: to.user,
      offered: [],
      readyTimeoutMs: hop.readyTimeoutMs,
      via: `jump host ${from.alias} could not open a channel to it`,
    });
  }
}
