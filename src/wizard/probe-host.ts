/**
 * Probes one host: connect through the transport (its host key decided by the policy the caller
 * gives), gather the wizard's facts in one round trip as the login user, then prove sudo works
 * when root is wanted (with the password over stdin when sudo asks for one).
 */
import { OpsError } from "../errors.js";
import type { HostConnection } from "../inventory/types.js";
import { gatherFacts } from "../run/gather-facts.js";
import type { ConfirmHostKey, HostKeyInfo as HostKeyQuestion } from "../transport/ssh-host-key.js";
import type { Transport } from "../transport/transport.js";
import type { AuthMethod } from "./hosts-step.js";
import { HOST_FACTS, readHostFacts, type HostFacts } from "./host-facts.js";
import type { HostAddress } from "./ranges.js";

/**
 * The transport's host key question (the function form of its host key policy): asked only for a
 * key known_hosts does not know; true records the key, false refuses; a changed key is refused
 * before anything is asked.
 */
export type { ConfirmHostKey, HostKeyInfo as HostKeyQuestion } from "../transport/ssh-host-key.js";

/** Opens a transport to one host with a host key policy; `src/transport/connect.ts` in production. */
export type WizardConnect = (
  name: string,
  conn: HostConnection,
  policy: ConfirmHostKey,
) => Promise<Transport>;

/** How to log in, from the hosts step (and a sudo password asked later, when sudo wants one). */
export interface Login {
  user: string;
  auth: AuthMethod;
  keyFile?: string | undefined;
  password?: string | undefined;
  become: boolean;
  sudoPassword?: string | undefined;
  knownHostsFile?: string | undefined;
}

export type ProbeResult =
  | { status: "ok"; transport: Transport; facts: HostFacts; sudoChecked: boolean }
  /** The host presented a key known_hosts does not know: nothing was sent to it. */
  | { status: "new-key"; key: HostKeyQuestion }
  | { status: "failed"; reason: string; hint?: string; sudoPassword?: boolean };

/** `10.0.0.5` or `10.0.0.5:2222`: how the wizard names a host until it knows its hostname. */
export function targetLabel(target: HostAddress): string {
  return target.port === 22 ? target.address : `${target.address}:${target.port}`;
}

/** The connection settings of one host for the transport. Secrets stay in memory only. */
export function connectionFor(target: HostAddress, login: Login): HostConnection {
  const sudoPassword = login.sudoPassword ?? login.password;
  const conn: HostConnection = {
    address: target.address,
    port: target.port,
    user: login.user,
    // The transport's become is only for the sudo check: facts are read as the user (see asUser).
    become: login.become && sudoPassword !== undefined,
  };
  if (login.auth === "key" && login.keyFile) conn.privateKeyFile = login.keyFile;
  if (login.auth === "password" && login.password !== undefined) conn.password = login.password;
  if (conn.become && sudoPassword !== undefined) conn.becomePassword = sudoPassword;
  if (login.knownHostsFile) conn.knownHostsFile = login.knownHostsFile;
  return conn;
}

/**
 * The same connection, every command run as the login user: the sudo fact must not run under sudo,
 * and reading facts or fetching a URL needs no root.
 */
export function asUser(transport: Transport): Transport {
  return {
    host: transport.host,
    get commandCount() {
      return transport.commandCount;
    },
    exec: (script, options) => transport.exec(script, { ...options, become: false }),
    execStaged: (first, next) => transport.execStaged(first, next, { become: false }),
    close: () => transport.close(),
  };
}

const failure = (error: unknown): ProbeResult => {
  if (error instanceof OpsError) {
    return { status: "failed", reason: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
  return { status: "failed", reason: error instanceof Error ? error.message : String(error) };
};

export interface ProbeHostDeps {
  connect: WizardConnect;
  /** Progress for the live view: "connecting", "probing", "checking sudo". */
  onStatus: (status: string) => void;
}

/**
 * Probes one host. `policy` decides a key known_hosts does not know; the caller records what was
 * asked to tell a refused new key from other failures. Never throws for a host's failure.
 *
 * @example const r = await probeHost({ address: "10.0.0.5", port: 22, line: 1 }, login, async () => false, deps);
 */
export async function probeHost(
  target: HostAddress,
  login: Login,
  policy: ConfirmHostKey,
  deps: ProbeHostDeps,
): Promise<ProbeResult> {
  let asked: HostKeyQuestion | undefined;
  const recording: ConfirmHostKey = async (info) => {
    const accepted = await policy(info);
    if (!accepted) asked = info;
    return accepted;
  };
  deps.onStatus("connecting");
  let transport: Transport;
  try {
    transport = await deps.connect(targetLabel(target), connectionFor(target, login), recording);
  } catch (error) {
    return asked ? { status: "new-key", key: asked } : failure(error);
  }
  try {
    deps.onStatus("probing");
    const set = await gatherFacts(asUser(transport), HOST_FACTS);
    const facts = readHostFacts(set);
    const sudo = await checkSudo(transport, facts, login, deps);
    if (sudo !== true) {
      await transport.close();
      return sudo;
    }
    return { status: "ok", transport, facts, sudoChecked: facts.sudo.mode === "password" };
  } catch (error) {
    await transport.close();
    return failure(error);
  }
}

/** True when the host can become root as the login asks; else why not. */
async function checkSudo(
  transport: Transport,
  facts: HostFacts,
  login: Login,
  deps: ProbeHostDeps,
): Promise<true | ProbeResult> {
  if (!login.become) return true;
  const access = facts.sudo;
  if (access.mode === "root" || access.mode === "passwordless") return true;
  if (access.mode === "absent") {
    return { status: "failed", reason: "sudo is not installed", hint: "install sudo, or log in as root" };
  }
  if (access.mode === "denied") {
    return {
      status: "failed",
      reason: `${login.user} may not use sudo: ${access.message}`,
      hint: "add the user to sudoers (e.g. the wheel group)",
    };
  }
  if (login.sudoPassword === undefined && login.password === undefined) {
    return { status: "failed", reason: "sudo asks for a password", sudoPassword: true };
  }
  deps.onStatus("checking sudo with the password");
  // The transport sends the password on stdin and says plainly when sudo refuses it.
  const result = await transport.exec("true", { become: true });
  if (result.code !== 0) return { status: "failed", reason: `sudo true exited ${result.code}` };
  return true;
}
