/**
 * The probe step: every host at once, live. Keys known_hosts does not know are refused on the
 * first pass and shown to the person; the hosts whose keys they accept are connected again with
 * exactly those keys trusted (the transport records them). Hosts that fail are shown with the
 * reason, then dropped, retried or the wizard stops.
 */
import pLimit from "p-limit";
import { ConnectError, Interrupted } from "../errors.js";
import type { Transport } from "../transport/transport.js";
import type { Ask } from "./ask.js";
import { describeHost, type HostFacts } from "./host-facts.js";
import { liveLines, type LiveOutput } from "./live-lines.js";
import {
  probeHost,
  targetLabel,
  type ConfirmHostKey,
  type HostKeyQuestion,
  type Login,
  type ProbeResult,
  type WizardConnect,
} from "./probe-host.js";
import type { HostAddress } from "./ranges.js";

export interface ProbedHost {
  target: HostAddress;
  label: string;
  transport: Transport;
  facts: HostFacts;
  /** sudo asked for the password and took it. */
  sudoChecked: boolean;
}

export interface DroppedHost {
  label: string;
  reason: string;
}

export interface ProbeStepDeps {
  connect: WizardConnect;
  out: LiveOutput;
  say: (line: string) => void;
  signal?: AbortSignal | undefined;
  /** Hosts connecting at once. Default 32 (the transport bounds handshakes as well). */
  concurrency?: number;
}

export interface ProbeStepResult {
  hosts: ProbedHost[];
  dropped: DroppedHost[];
  /** The login, with the sudo password when one had to be asked. */
  login: Login;
}

type Failed = Extract<ProbeResult, { status: "failed" }>;

/**
 * Probes the hosts (question ids `host_keys`, `ssh.sudo_password`, `failed_hosts`).
 *
 * @example const { hosts } = await probeStep(ask, addresses, login, { connect, out, say });
 */
export async function probeStep(
  ask: Ask,
  addresses: readonly HostAddress[],
  first: Login,
  deps: ProbeStepDeps,
): Promise<ProbeStepResult> {
  let login = first;
  let pending = [...addresses];
  const hosts: ProbedHost[] = [];
  try {
    for (;;) {
      const failed = await probeRound(ask, pending, login, deps, hosts);
      const needSudo = [...failed.keys()].filter((t) => failed.get(t)?.sudoPassword === true);
      if (needSudo.length > 0 && login.sudoPassword === undefined) {
        // Asked only now: only the probe can tell that sudo wants a password.
        const password = await ask.secret("ssh.sudo_password", {
          message: `sudo asks for a password on ${needSudo.length} host(s): ${login.user}'s password for sudo`,
        });
        login = { ...login, sudoPassword: password };
        for (const t of needSudo) failed.delete(t);
        for (const [t, f] of await probeRound(ask, needSudo, login, deps, hosts)) failed.set(t, f);
      }
      if (failed.size === 0) break;
      const action = await ask.choose("failed_hosts", {
        message: `${failed.size} host(s) could not be used. What now?`,
        choices: [
          { value: "drop", name: "leave them out and go on with the others" },
          { value: "retry", name: "try them again (fix the cause first)" },
          { value: "stop", name: "stop here (nothing is written)" },
        ],
        default: ask.interactive ? "drop" : "stop",
      });
      if (action === "retry") {
        pending = [...failed.keys()];
        continue;
      }
      if (action === "stop") {
        const [target, f] = [...failed][0] ?? [];
        throw new ConnectError(
          target ? targetLabel(target) : "hosts",
          `stopped: ${failed.size} host(s) could not be used${f ? ` (${f.reason})` : ""}; nothing was written`,
          "fix the cause and run ops init again, or leave them out (failed_hosts: drop)",
        );
      }
      const dropped = addresses.flatMap((t) => {
        const f = failed.get(t);
        return f ? [{ label: targetLabel(t), reason: f.reason }] : [];
      });
      if (hosts.length === 0) {
        throw new ConnectError(
          "hosts",
          "no host could be used; nothing was written",
          "fix the causes shown above and run ops init again",
        );
      }
      return { hosts: order(hosts, addresses), dropped, login };
    }
    return { hosts: order(hosts, addresses), dropped: [], login };
  } catch (error) {
    await Promise.all(hosts.map((h) => h.transport.close()));
    throw error;
  }
}

/** Hosts in the order they were given, whatever order they answered in. */
function order(hosts: ProbedHost[], addresses: readonly HostAddress[]): ProbedHost[] {
  return [...hosts].sort((a, b) => addresses.indexOf(a.target) - addresses.indexOf(b.target));
}

/** One pass over `targets`: new keys asked about and tried again; adds the good hosts, returns the failures. */
async function probeRound(
  ask: Ask,
  targets: readonly HostAddress[],
  login: Login,
  deps: ProbeStepDeps,
  good: ProbedHost[],
): Promise<Map<HostAddress, Failed>> {
  const failed = new Map<HostAddress, Failed>();
  const refuseNew: ConfirmHostKey = async () => false;
  const first = await runPass(targets, login, () => refuseNew, deps, good, failed);
  // Results arrive in the order hosts answer; questions and lines follow the order they were given.
  const offered = targets.flatMap((t) => {
    const r = first.get(t);
    return r?.status === "new-key" ? [[t, r.key] as const] : [];
  });
  if (offered.length === 0) return failed;

  const accepted = new Set(await askHostKeys(ask, offered, deps.say));
  // Trust exactly the key each host showed and the person accepted, at that host's address.
  const trust =
    (target: HostAddress): ConfirmHostKey =>
    async (info) => {
      const shown = offered.find(([t]) => t === target)?.[1];
      return (
        shown !== undefined &&
        accepted.has(info.fingerprintSha256) &&
        info.fingerprintSha256 === shown.fingerprintSha256 &&
        info.host === shown.host &&
        info.port === shown.port
      );
    };
  const retry: HostAddress[] = [];
  for (const [target, key] of offered) {
    if (accepted.has(key.fingerprintSha256)) retry.push(target);
    else failed.set(target, { status: "failed", reason: `host key ${key.fingerprintSha256} not accepted` });
  }
  const second = await runPass(retry, login, trust, deps, good, failed);
  for (const [target, r] of second) {
    if (r.status === "new-key") {
      failed.set(target, {
        status: "failed",
        reason: `the host now shows another key (${r.key.fingerprintSha256}) than the one accepted`,
      });
    }
  }
  return failed;
}

/** Probes `targets` in parallel with a live line each; sorts results into `good` and `failed`. */
async function runPass(
  targets: readonly HostAddress[],
  login: Login,
  policyFor: (target: HostAddress) => ConfirmHostKey,
  deps: ProbeStepDeps,
  good: ProbedHost[],
  failed: Map<HostAddress, Failed>,
): Promise<Map<HostAddress, ProbeResult>> {
  const results = new Map<HostAddress, ProbeResult>();
  if (targets.length === 0) return results;
  const live = liveLines(deps.out, targets.map(targetLabel));
  const limit = pLimit(deps.concurrency ?? 32);
  try {
    await Promise.all(
      targets.map((target) =>
        limit(async () => {
          const label = targetLabel(target);
          if (deps.signal?.aborted) return;
          const r = await probeHost(target, login, policyFor(target), {
            connect: deps.connect,
            onStatus: (s) => live.set(label, s),
          });
          results.set(target, r);
          if (r.status === "ok") {
            good.push({ target, label, transport: r.transport, facts: r.facts, sudoChecked: r.sudoChecked });
            live.set(label, `✔ ${describeHost(r.facts, r.sudoChecked)}`, true);
          } else if (r.status === "new-key") {
            live.set(label, `? new host key ${r.key.keyType} ${r.key.fingerprintSha256}`, true);
          } else {
            failed.set(target, r);
            live.set(label, `✖ ${r.reason}`, true);
          }
        }),
      ),
    );
  } finally {
    live.done();
  }
  if (deps.signal?.aborted) throw new Interrupted("interrupted while probing the hosts; nothing was written");
  return results;
}

/** Asks which new keys to trust; one entry per key (hosts that share a key share the entry). */
async function askHostKeys(
  ask: Ask,
  offered: readonly (readonly [HostAddress, HostKeyQuestion])[],
  say: (line: string) => void,
): Promise<string[]> {
  const byKey = new Map<string, { type: string; labels: string[] }>();
  for (const [target, key] of offered) {
    const entry = byKey.get(key.fingerprintSha256) ?? { type: key.keyType, labels: [] };
    entry.labels.push(targetLabel(target));
    byKey.set(key.fingerprintSha256, entry);
  }
  const width = Math.max(...[...byKey.values()].map((e) => e.labels.join(", ").length));
  say("  Check each fingerprint on its host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub");
  return ask.chooseMany("host_keys", {
    message: "Trust these host keys? (they go into known_hosts)",
    choices: [...byKey].map(([fingerprint, e]) => ({
      value: fingerprint,
      name: `${e.labels.join(", ").padEnd(width)}  ${e.type} ${fingerprint}`,
      short: e.labels.join(", "),
      // A person sees the fingerprints before confirming; an answers file must name them (or accept-new).
      checked: ask.interactive,
    })),
    keywords: { "accept-new": [...byKey.keys()] },
  });
}
