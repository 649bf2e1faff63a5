/**
 * A private sshd on this machine: listening on 127.0.0.1 only, on a free high port, with its own
 * config, host key and authorized key in a temporary directory, so `ops` can reach this machine as a
 * host over real SSH without touching the machine's own sshd setup. Optionally started inside
 * another process's mount namespace (what that process sees of the files is what a session sees).
 * Stopped by `stop()`, which also removes the privilege separation directory if it created it.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's sshd refuses to start without it; systemd makes it at boot, a machine without systemd has none. */
const PRIVSEP_DIR = "/run/sshd";

export interface LocalSshd {
  readonly address: "127.0.0.1";
  readonly port: number;
  readonly user: "root";
  readonly privateKeyFile: string;
  /** A known_hosts file that holds this sshd's host key for `[127.0.0.1]:port`. */
  readonly knownHostsFile: string;
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that no one listens on now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const a = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof a !== "object" || a === null) throw new Error("no port from the kernel");
  return a.port;
}

const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);

/** Resolves when sshd says it listens; rejects with its output when it exits first or takes too long. */
function listening(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sshd did not listen within 15 s:\n${output()}`)),
      15_000,
    );
    const onData = () => {
      if (!/Server listening on 127\.0\.0\.1/.test(output())) return;
      clearTimeout(timer);
      resolve();
    };
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited ${String(code)}:\n${output()}`));
    });
  });
}

/** @param mountNamespaceOf the pid whose mount namespace sshd runs in (default: this process's). */
export async function startLocalSshd(mountNamespaceOf?: number): Promise<LocalSshd> {
  const dir = mkdtempSync(join(tmpdir(), "ops-e2e-sshd-"));
  const hostKey = join(dir, "ssh_host_ed25519_key");
  const clientKey = join(dir, "id_ed25519");
  keygen(hostKey);
  keygen(clientKey);
  writeFileSync(join(dir, "authorized_keys"), readFileSync(`${clientKey}.pub`));
  const port = await freePort();
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      // No PAM: the session gets sshd's own PATH for root, and no login records on the machine.
      "UsePAM no",
      // The temporary directory belongs to root but is not 0755 all the way up on every machine.
      "StrictModes no",
      "",
    ].join("\n"),
  );
  const knownHostsFile = join(dir, "known_hosts");
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${readFileSync(`${hostKey}.pub`, "utf8")}`);

  const madePrivsep = !existsSync(PRIVSEP_DIR);
  if (madePrivsep) mkdirSync(PRIVSEP_DIR, { mode: 0o755 });
  // sshd re-executes itself, so it must be started by its absolute path; -D stays in front, -e logs to stderr.
  const sshd = ["/usr/sbin/sshd", "-D", "-e", "-f", config];
  const argv =
    mountNamespaceOf === undefined ? sshd : ["nsenter", `--mount=/proc/${mountNamespaceOf}/ns/mnt`, ...sshd];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const cleanup = () => {
    if (madePrivsep) rmSync(PRIVSEP_DIR, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listening(child, () => log);
  } catch (e) {
    child.kill("SIGTERM");
    cleanup();
    throw e;
  }
  return {
    address: "127.0.0.1",
    port,
    user: "root",
    privateKeyFile: clientKey,
    knownHostsFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      cleanup();
    },
  };
}
