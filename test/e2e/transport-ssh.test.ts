/**
 * The SSH transport against a real OpenSSH sshd on 127.0.0.1 (a private instance on two random
 * ports, with its own host keys and authorized_keys) and real sudo. Needs root; installs
 * openssh-server and sudo with apt-get when they are missing. Creates the users opstest-nopw and
 * opstest-pw and /etc/sudoers.d/opstest, and removes them afterwards.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConnectError } from "../../src/errors.js";
import type { HostConnection } from "../../src/inventory/types.js";
import { connect } from "../../src/transport/connect.js";
import { parseKnownHosts } from "../../src/transport/known-hosts.js";
import type { SshOptions } from "../../src/transport/ssh.js";
import type { Transport } from "../../src/transport/transport.js";

const run = (cmd: string, args: string[], input?: string): string =>
  execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect(port, "127.0.0.1", () => resolve(true)).on("error", () => resolve(false));
      socket.setTimeout(200, () => resolve(false));
      setTimeout(() => socket.destroy(), 250);
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

describe("ssh transport against a real sshd", function () {
  this.timeout(120_000);
  let dir = "";
  let port = 0;
  let jumpPort = 0;
  let sshd: ChildProcess | undefined;
  let hostFingerprint = "";
  let clientKey = "";
  const userPassword = `pw-${randomBytes(6).toString("hex")}`;
  const opened: Transport[] = [];

  const knownHosts = (): string => join(dir, "known_hosts");
  const options = (extra: Partial<SshOptions> = {}): SshOptions & { kind: "ssh" } => ({
    kind: "ssh",
    hostKeyPolicy: "strict",
    knownHostsFile: knownHosts(),
    sshConfigFile: null,
    readyTimeoutMs: 5000,
    keepaliveIntervalMs: 1000,
    ...extra,
  });
  const root = (extra: Partial<HostConnection> = {}): HostConnection => ({
    address: "127.0.0.1",
    port,
    user: "root",
    privateKeyFile: clientKey,
    become: false,
    ...extra,
  });
  const open = async (conn: HostConnection, opts = options()): Promise<Transport> => {
    const t = await connect("lab1", conn, opts);
    opened.push(t);
    return t;
  };

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    if (!existsSync("/usr/sbin/sshd") || !existsSync("/usr/bin/sudo")) {
      run("apt-get", ["install", "-y", "--no-install-recommends", "openssh-server", "sudo"]);
    }
    dir = await mkdtemp(join(tmpdir(), "ops-sshd-"));
    // sshd reads authorized_keys as the logging-in user: the test users must be able to enter.
    await chmod(dir, 0o755);
    for (const name of ["host_ed25519", "other_host_ed25519", "client_ed25519"]) {
      run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", join(dir, name)]);
    }
    clientKey = join(dir, "client_ed25519");
    hostFingerprint = run("ssh-keygen", ["-l", "-f", join(dir, "host_ed25519.pub")]).split(" ")[1] ?? "";
    await writeFile(join(dir, "authorized_keys"), await readFile(`${clientKey}.pub`), { mode: 0o644 });
    [port, jumpPort] = [await freePort(), await freePort()];
    const config = [
      `ListenAddress 127.0.0.1:${port}`,
      `ListenAddress 127.0.0.1:${jumpPort}`,
      `HostKey ${join(dir, "host_ed25519")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      "StrictModes no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication yes",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "AllowTcpForwarding yes",
      "LogLevel ERROR",
    ].join("\n");
    await writeFile(join(dir, "sshd_config"), `${config}\n`);
    await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
    run("/usr/sbin/sshd", ["-t", "-f", join(dir, "sshd_config")]);
    sshd = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", join(dir, "sshd_config")], { stdio: "ignore" });
    await waitForPort(port);

    for (const user of ["opstest-nopw", "opstest-pw"]) {
      run("useradd", ["-m", "-s", "/bin/sh", user]);
    }
    // "*" is "no password" without "locked": sshd refuses even key logins to a locked account.
    run("usermod", ["-p", "*", "opstest-nopw"]);
    run("chpasswd", [], `opstest-pw:${userPassword}\n`);
    const sudoers = "opstest-nopw ALL=(ALL) NOPASSWD: ALL\nopstest-pw ALL=(ALL) ALL\n";
    await writeFile(join(dir, "sudoers"), sudoers, { mode: 0o440 });
    run("visudo", ["-c", "-f", join(dir, "sudoers")]);
    await writeFile("/etc/sudoers.d/opstest", sudoers, { mode: 0o440 });
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()));
    await rm(knownHosts(), { force: true });
  });

  after(async () => {
    sshd?.kill("SIGTERM");
    await rm("/etc/sudoers.d/opstest", { force: true });
    for (const user of ["opstest-nopw", "opstest-pw"]) {
      try {
        run("userdel", ["-r", user]);
      } catch {
        // the user was never created (skipped before hook) or is already gone
      }
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("refuses an unknown host key with the fingerprint and what to do", async () => {
    await assert.rejects(open(root()), (e: ConnectError) => {
      assert.ok(e instanceof ConnectError, String(e));
      assert.equal(e.message, `host key for 127.0.0.1:${port} is not in ${knownHosts()}`);
      assert.match(
        e.hint ?? "",
        new RegExp(`check the fingerprint ${hostFingerprint.replace(/[+/]/g, "\\$&")}`),
      );
      assert.match(e.hint ?? "", /--accept-new-host-keys.*ssh-keyscan/);
      return true;
    });
    assert.equal(existsSync(knownHosts()), false, "strict never writes known_hosts");
  });

  it("accepts a new key when asked, then connects strictly; exec and stdin round-trip", async () => {
    const first = await open(root(), options({ hostKeyPolicy: "accept-new" }));
    assert.equal((await first.exec("echo first")).stdout, "first\n");
    assert.match(
      await readFile(knownHosts(), "utf8"),
      new RegExp(`^\\[127\\.0\\.0\\.1\\]:${port} ssh-ed25519 `),
    );

    const t = await open(root());
    const payload = `héllo 'quoted' $HOME \`x\`\n${"x".repeat(200_000)}\nlast line without newline`;
    const r = await t.exec('cat; printf "\\n%s" "$(id -un)"; echo oops >&2; exit 4', { stdin: payload });
    assert.deepEqual(r, { code: 4, stdout: `${payload}\nroot`, stderr: "oops\n" });
    assert.equal((await t.exec("printf '%s' \"$0\"")).stdout, "sh", "scripts run under sh -c");
    assert.equal(t.commandCount, 2);
  });

  it("refuses a changed host key and says which line to remove", async () => {
    const other = (await readFile(join(dir, "other_host_ed25519.pub"), "utf8")).split(" ");
    await writeFile(knownHosts(), `[127.0.0.1]:${port} ${other[0]} ${other[1]}\n`);
    await assert.rejects(open(root(), options({ hostKeyPolicy: "accept-new" })), (e: ConnectError) => {
      assert.match(e.message, new RegExp(`^HOST KEY CHANGED for 127\\.0\\.0\\.1:${port}: .* line 1$`));
      assert.match(e.hint ?? "", /remove the old line \(ssh-keygen -R 127\.0\.0\.1 -p \d+ -f /);
      return true;
    });
    assert.equal(parseKnownHosts(await readFile(knownHosts(), "utf8")).length, 1, "nothing appended");
  });

  it("hops through a ProxyJump host, verifying both keys", async () => {
    const config = [
      "Host target",
      "  HostName 127.0.0.1",
      `  Port ${port}`,
      "  User root",
      `  IdentityFile ${clientKey}`,
      "  ProxyJump bastion",
      "Host bastion",
      "  HostName 127.0.0.1",
      `  Port ${jumpPort}`,
      "  User root",
      `  IdentityFile ${clientKey}`,
    ].join("\n");
    await writeFile(join(dir, "ssh_config"), `${config}\n`);
    const viaConfig = options({ sshConfigFile: join(dir, "ssh_config"), hostKeyPolicy: "accept-new" });
    const t = await open({ address: "target", become: false }, viaConfig);
    const r = await t.exec('echo "$SSH_CONNECTION"');
    assert.match(r.stdout, new RegExp(` 127\\.0\\.0\\.1 ${port}\\n$`), "the session is on the target port");
    const hosts = (await readFile(knownHosts(), "utf8")).split("\n").map((l) => l.split(" ")[0]);
    assert.deepEqual(hosts.filter(Boolean).sort(), [`[127.0.0.1]:${jumpPort}`, `[127.0.0.1]:${port}`].sort());

    const closedPort = await freePort();
    await writeFile(join(dir, "ssh_config"), `${config.replace(`Port ${port}`, `Port ${closedPort}`)}\n`);
    await assert.rejects(open({ address: "target", become: false }, viaConfig), (e: ConnectError) => {
      assert.match(e.message, /jump host bastion could not open a channel/);
      return true;
    });
  });

  it("rejects pending and later execs with ConnectError when the connection dies", async () => {
    await open(root(), options({ hostKeyPolicy: "accept-new" }));
    const t = await open(root());
    const pending = t.exec("sleep 30");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Kill only the per-connection children of our own sshd: the listener stays up.
    const children = run("pgrep", ["-P", String(sshd?.pid)])
      .trim()
      .split("\n")
      .filter(Boolean);
    const grandchildren = children.flatMap((pid) => {
      try {
        return run("pgrep", ["-P", pid]).trim().split("\n").filter(Boolean);
      } catch {
        return [];
      }
    });
    for (const pid of [...grandchildren, ...children]) process.kill(Number(pid), "SIGKILL");
    await assert.rejects(pending, (e: ConnectError) => {
      assert.ok(e instanceof ConnectError, String(e));
      assert.match(e.message, /^connection to 127\.0\.0\.1 lost/);
      return true;
    });
    await assert.rejects(t.exec("true"), ConnectError);
    await t.close();
  });

  it("refuses bad credentials plainly, without the password", async () => {
    await open(root(), options({ hostKeyPolicy: "accept-new" }));
    const conn = {
      address: "127.0.0.1",
      port,
      user: "opstest-pw",
      password: "not-the-password",
      become: false,
    };
    await assert.rejects(open(conn), (e: ConnectError) => {
      assert.match(
        e.message,
        /^authentication failed for opstest-pw@127\.0\.0\.1:\d+ \(offered: .*password\)$/,
      );
      assert.ok(!`${e.message}${e.hint ?? ""}`.includes("not-the-password"));
      return true;
    });
  });

  describe("become through real sudo", () => {
    beforeEach(async () => {
      await open(root(), options({ hostKeyPolicy: "accept-new" }));
    });
    const payload = "line 1\nline 2 'q' $x\n";

    it("with a NOPASSWD user (and a password sudo never asks for)", async () => {
      const t = await open(root({ user: "opstest-nopw", become: true }));
      assert.equal((await t.exec("id -u")).stdout, "0\n");
      assert.equal((await t.exec("id -u", { become: false })).stdout.trim() !== "0", true);
      const withPw = await open(root({ user: "opstest-nopw", become: true, becomePassword: "unused" }));
      assert.deepEqual(await withPw.exec("cat; id -u", { stdin: payload }), {
        code: 0,
        stdout: `${payload}0\n`,
        stderr: "",
      });
    });

    it("with a password user logged in by password", async () => {
      const base = { address: "127.0.0.1", port, user: "opstest-pw", password: userPassword, become: true };
      const t = await open({ ...base, becomePassword: userPassword });
      const r = await t.exec("cat; id -u", { stdin: payload });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${payload}0\n`);
      assert.ok(!r.stderr.includes(userPassword));

      const noPw = await open(base);
      await assert.rejects(noPw.exec("id -u"), (e: ConnectError) => {
        assert.equal(e.message, "sudo needs a password: set ansible_become_password");
        return true;
      });
      const wrong = await open({ ...base, becomePassword: "wrong-become-pw" });
      await assert.rejects(wrong.exec("id -u"), (e: ConnectError) => {
        assert.equal(e.message, "sudo refused the become password");
        return true;
      });
    });
  });
});
