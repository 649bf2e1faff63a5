/**
 * Fake hosts for the wizard, behind the same seam as the SSH transport: a host key checked against a
 * known_hosts set (asking the policy for a new key, refusing a changed one), password or key logins,
 * sudo, the fact probe, URL timings and the key installation script.
 */
import { ConnectError } from "../../../../src/errors.js";
import type { HostConnection } from "../../../../src/inventory/types.js";
import { FakeTransport, ok } from "../../../../src/transport/fake.js";
import { INSTALL_KEY_SCRIPT } from "../../../../src/wizard/authorized-key.js";
import type { WizardConnect } from "../../../../src/wizard/probe-host.js";
import { answerProbe } from "../../../helpers/fake-host.js";

export interface FakeHostSpec {
  hostname: string;
  /** Host key fingerprint the host presents; `SHA256:` + 43 characters. */
  fingerprint: string;
  /** The key is already in known_hosts; "changed": a different one is. */
  known?: boolean | "changed";
  /** The SSH password it accepts (for any user). */
  password?: string;
  /** Private key files it accepts (authorized_keys, as file paths). */
  keys?: string[];
  /** It refuses TCP connections. */
  refused?: boolean;
  sudo?: "root" | "passwordless" | "password" | "denied";
  sudoPassword?: string;
  /** URL substring -> what a fetch of it gives; anything else times out. */
  urls?: Record<string, { code: number; ms: number }>;
  /** Armored key served at URLs ending in /gpg. */
  gpg?: string;
  /** What the package probes print (rpm's `ops-rpm` lines, dpkg's `ops-deb` lines): each reads its own. */
  packages?: string;
  /** The host's os-release (default CentOS Stream 9). */
  os?: "centos9" | "debian12";
}

export const fingerprint = (c: string): string => `SHA256:${c.repeat(43).slice(0, 43)}`;

const OS = {
  centos9:
    'NAME="CentOS Stream"\nVERSION_ID="9"\nID="centos"\nID_LIKE="rhel fedora"\nPRETTY_NAME="CentOS Stream 9"\n@@release-file@@\nCentOS Stream release 9\n',
  debian12:
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n@@release-file@@\n',
};

function raw(spec: FakeHostSpec, name: string): string {
  if (name === "hostname") return `${spec.hostname}\n`;
  if (name === "os-release") return OS[spec.os ?? "centos9"];
  if (name === "kernel") return "5.14.0-362.el9.x86_64\nx86_64\n";
  if (name === "sudo") {
    const mode = spec.sudo ?? "root";
    if (mode === "password") return "refused\nsudo: a password is required\n";
    if (mode === "denied") return "refused\nme is not in the sudoers file.\n";
    return `${mode}\n`;
  }
  if (name === "disk-free")
    return "/var/lib\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda1 100 50 52428800 50% /\n";
  if (name.startsWith("rpm-packages:") || name.startsWith("dpkg-packages:")) return spec.packages ?? "";
  if (name.startsWith("systemd-unit:")) return "LoadState=not-found\nActiveState=inactive\n";
  if (name.startsWith("url-timings:")) {
    const urls = name.split(":").slice(2).join(":").split(" ");
    const rows = urls.map((url, i) => {
      const hit = Object.entries(spec.urls ?? {}).find(([part]) => url.includes(part))?.[1];
      return hit ? `${i} 0 ${hit.code} ${hit.ms / 1000}` : `${i} 28 000 3.000`;
    });
    return `tool curl\n${rows.join("\n")}\n`;
  }
  if (name.startsWith("url-content:")) {
    return spec.gpg ? `fetched 0\n${Buffer.from(spec.gpg).toString("base64")}\n` : "error 22 curl\n404\n";
  }
  return "";
}

export interface Fleet {
  connect: WizardConnect;
  /** Addresses whose key is in known_hosts (the policy's accepted keys are added). */
  known: Set<string>;
  /** Every connection opened, by address. */
  opened: { address: string; conn: HostConnection; transport: FakeTransport }[];
  /** Public keys installed per address. */
  installed: Map<string, string[]>;
  /** What the policy was asked. */
  asked: string[];
}

/**
 * @example const fleet = fakeFleet({ "10.0.0.1": { hostname: "web1", fingerprint: fingerprint("a") } });
 */
export function fakeFleet(specs: Record<string, FakeHostSpec>): Fleet {
  const known = new Set(
    Object.entries(specs)
      .filter(([, s]) => s.known === true)
      .map(([a]) => a),
  );
  const installed = new Map<string, string[]>();
  const opened: Fleet["opened"] = [];
  const asked: string[] = [];
  const connect: WizardConnect = async (name, conn, policy) => {
    const spec = specs[conn.address];
    const addr = `${conn.address}:${conn.port ?? 22}`;
    if (!spec || spec.refused)
      throw new ConnectError(name, `connection refused by ${addr}`, "is sshd running?");
    if (spec.known === "changed") {
      throw new ConnectError(
        name,
        `HOST KEY CHANGED for ${addr}: it now presents ssh-ed25519 ${spec.fingerprint}`,
        "remove the old line",
      );
    }
    if (!known.has(conn.address)) {
      asked.push(`${conn.address} ${spec.fingerprint}`);
      const yes = await policy({
        name,
        host: conn.address,
        port: conn.port ?? 22,
        keyType: "ssh-ed25519",
        fingerprintSha256: spec.fingerprint,
      });
      if (!yes) throw new ConnectError(name, `host key ${spec.fingerprint} of ${addr} was not accepted`);
      known.add(conn.address);
    }
    const byKey = conn.privateKeyFile !== undefined && (spec.keys ?? []).includes(conn.privateKeyFile);
    const byInstalled = conn.privateKeyFile !== undefined && (installed.get(conn.address) ?? []).length > 0;
    const byPassword = conn.password !== undefined && conn.password === spec.password;
    if (!byKey && !byInstalled && !byPassword) {
      throw new ConnectError(
        name,
        `authentication failed for ${conn.user ?? "?"}@${addr} (offered: ${conn.password ? "password" : "key"})`,
      );
    }
    const transport: FakeTransport = new FakeTransport(
      name,
      (script, stdin) => {
        if (script === INSTALL_KEY_SCRIPT) {
          const keys = installed.get(conn.address) ?? [];
          const line = (stdin ?? "").trim();
          if (keys.includes(line)) return ok("present\n");
          installed.set(conn.address, [...keys, line]);
          return ok("added\n");
        }
        if (script === "true") {
          const become = transport.calls.at(-1)?.become ?? false;
          if (become && conn.becomePassword !== spec.sudoPassword) {
            throw new ConnectError(name, "sudo refused the become password", "check it");
          }
          return ok();
        }
        const names = [...script.matchAll(/^# fact: (.*)$/gm)].map((m) => m[1] ?? "");
        const answer = answerProbe(script, Object.fromEntries(names.map((n) => [n, raw(spec, n)])));
        return answer ?? { code: 127, stdout: "", stderr: `unexpected script: ${script.slice(0, 40)}` };
      },
      { become: conn.become },
    );
    opened.push({ address: conn.address, conn, transport });
    return transport;
  };
  return { connect, known, opened, installed, asked };
}
