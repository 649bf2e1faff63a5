/**
 * After a password login: offer to install the user's public key on every host (creating a key
 * pair first when there is none), then prove a login with the key alone works, so the inventory
 * never needs the password.
 */
import type { Ask } from "./ask.js";
import { installAuthorizedKey } from "./authorized-key.js";
import { expandHome } from "./hosts-step.js";
import { liveLines, type LiveOutput } from "./live-lines.js";
import type { LocalKey } from "./local-keys.js";
import { connectionFor, type Login, type WizardConnect } from "./probe-host.js";
import type { ProbedHost } from "./probe-step.js";

export interface KeyStepDeps {
  keys: readonly LocalKey[];
  home: string;
  /** `user@machine`, the comment of a key made here. */
  comment: string;
  createKey: (path: string, comment: string) => Promise<LocalKey>;
  connect: WizardConnect;
  out: LiveOutput;
  say: (line: string) => void;
}

export interface KeyStepResult {
  /** The login from now on: the key when it works on at least one host, else unchanged. */
  login: Login;
  /** Hosts where a login with the key alone was proven. */
  keyWorks: string[];
  /** Hosts that still need the password, with the reason. */
  needPassword: { label: string; reason: string }[];
}

/**
 * Question ids `install_key` and `ssh.key_file`. Does nothing unless the login used a password.
 *
 * @example const { login } = await keyStep(ask, hosts, login, deps);
 */
export async function keyStep(
  ask: Ask,
  hosts: readonly ProbedHost[],
  login: Login,
  deps: KeyStepDeps,
): Promise<KeyStepResult> {
  const unchanged = (): KeyStepResult => ({
    login,
    keyWorks: [],
    needPassword: hosts.map((h) => ({ label: h.label, reason: "logs in with a password" })),
  });
  if (login.auth !== "password") return { login, keyWorks: hosts.map((h) => h.label), needPassword: [] };
  const fresh = `${deps.home}/.ssh/id_ed25519`;
  const what = deps.keys.length > 0 ? "your public key" : `a new key pair (${fresh}, no passphrase)`;
  const install = await ask.yesNo("install_key", {
    message: `Install ${what} for ${login.user} on ${hosts.length} host(s), so the inventory keeps no password?`,
    default: true,
  });
  if (!install) return unchanged();

  let key: LocalKey;
  if (deps.keys.length === 0) {
    key = await deps.createKey(fresh, deps.comment);
    deps.say(`  created ${key.path} (${key.type} ${key.fingerprint})`);
  } else {
    const path = await ask.chooseOrType("ssh.key_file", {
      message: "Which key?",
      choices: deps.keys.map((k) => ({ value: k.path, name: `${k.path}.pub  (${k.type} ${k.fingerprint})` })),
      default: deps.keys[0]?.path ?? fresh,
      other: {
        name: "another key pair…",
        message: "Private key file (its .pub beside it)",
        validate: (v) =>
          deps.keys.some((k) => k.path === expandHome(v, deps.home)) ||
          `no key pair at ${v} (both halves are needed)`,
      },
    });
    key = deps.keys.find((k) => k.path === expandHome(path, deps.home)) ?? (deps.keys[0] as LocalKey);
  }

  const keyLogin: Login = { ...login, auth: "key", keyFile: key.path, password: undefined };
  const live = liveLines(
    deps.out,
    hosts.map((h) => h.label),
  );
  const outcomes = await Promise.all(
    hosts.map(async (h) => {
      live.set(h.label, "installing the key");
      const installed = await installAuthorizedKey(h.transport, key.publicKey).catch((e: Error) => ({
        status: "failed" as const,
        reason: e.message,
      }));
      if (installed.status === "failed") {
        live.set(h.label, `✖ key not installed: ${installed.reason}`, true);
        return { label: h.label, reason: installed.reason };
      }
      live.set(h.label, "logging in with the key alone");
      const proof = await proveKeyLogin(h, keyLogin, deps.connect);
      const done = installed.status === "added" ? "key added" : "key was already there";
      live.set(
        h.label,
        proof === true ? `✔ ${done}; a login with the key works` : `✖ ${done}, but ${proof}`,
        true,
      );
      return proof === true ? undefined : { label: h.label, reason: proof };
    }),
  );
  live.done();
  const needPassword = outcomes.filter((o): o is { label: string; reason: string } => o !== undefined);
  const keyWorks = hosts.filter((h) => !needPassword.some((n) => n.label === h.label)).map((h) => h.label);
  return { login: keyWorks.length > 0 ? keyLogin : login, keyWorks, needPassword };
}

/** A fresh connection that offers only the key (no password): true when it logs in. */
async function proveKeyLogin(
  host: ProbedHost,
  keyLogin: Login,
  connect: WizardConnect,
): Promise<true | string> {
  // The host's key is in known_hosts by now: a key it does not know is refused.
  const conn = { ...connectionFor(host.target, keyLogin), become: false };
  try {
    const transport = await connect(host.label, conn, async () => false);
    try {
      const r = await transport.exec("true", { become: false });
      return r.code === 0 || `true exited ${r.code}`;
    } finally {
      await transport.close();
    }
  } catch (error) {
    return `a login with the key failed: ${(error as Error).message}`;
  }
}
