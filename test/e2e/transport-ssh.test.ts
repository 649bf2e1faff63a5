/**
 * The SSH transport against a real OpenSSH sshd on 127.0.0.1 (a private instance on two random
 * ports, with its own host keys and authorized_keys) and real sudo. Needs root; installs
 * openssh-server and sudo with apt-get when they are missing. Creates the users opstest-nopw,
 * opstest-pw and opstest-tty and /etc/sudoers.d/opstest, and removes them afterwards.
 * The last part runs the built CLI against a lab host (`flock /tmp/ops-lab.lock`, `npm run build`).
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BecomeError, ConnectError } from "../../src/errors.js";
import type { HostConnection } from "../../src/inventory/types.js";
import { connect } from "../../src/transport/connect.js";
import { parseKnownHosts } from "../../src/transport/known-hosts.js";
import type { SshOptions } from "../../src/transport/ssh.js";
import type { Transport } from "../../src/transport/transport.js";
import { labUp, readLab, type LabInfo } from "../lab/lab.js";
import { writeInventory, type HostEntry } from "./helpers/inventory.js";
import { freePort } from "./helpers/local-sshd.js";
import { failures, ops, summaries, type OpsResult } from "./helpers/ops-cli.js";

const run = (cmd: string, args: string[], input?: string): string =>
  execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });

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

const USERS = ["opstest-nopw", "opstest-pw", "opstest-tty"];

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

    for (const user of USERS) {
      run("useradd", ["-m", "-s", "/bin/sh", user]);
    }
    // "*" is "no password" without "locked": sshd refuses even key logins to a locked account.
    run("usermod", ["-p", "*", "opstest-nopw"]);
    run("usermod", ["-p", "*", "opstest-tty"]);
    run("chpasswd", [], `opstest-pw:${userPassword}\n`);
    const sudoers = [
      "opstest-nopw ALL=(ALL) NOPASSWD: ALL",
      "opstest-pw ALL=(ALL) ALL",
      "Defaults:opstest-tty requiretty",
      "opstest-tty ALL=(ALL) NOPASSWD: ALL",
      "",
    ].join("\n");
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
    for (const user of USERS) {
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

  it("records a key through a symlink into a hashed 0640 file, in a form OpenSSH itself finds", async () => {
    const realDir = join(dir, "real");
    await mkdir(realDir, { recursive: true });
    const real = join(realDir, "known_hosts");
    try {
      const other = (await readFile(join(dir, "other_host_ed25519.pub"), "utf8")).split(" ");
      await writeFile(real, `other.example ${other[0]} ${other[1]}\n`);
      run("ssh-keygen", ["-q", "-H", "-f", real]);
      await rm(`${real}.old`, { force: true });
      await chmod(real, 0o640);
      await chown(real, 0, 65534);
      await symlink(real, knownHosts());

      await open(root(), options({ hostKeyPolicy: "accept-new" }));
      assert.ok((await lstat(knownHosts())).isSymbolicLink(), "the link was replaced by a file");
      const stats = await stat(real);
      assert.deepEqual([stats.mode & 0o7777, stats.uid, stats.gid], [0o640, 0, 65534]);
      const text = await readFile(real, "utf8");
      assert.ok(!text.includes("127.0.0.1"), "the new name is hashed like the rest of the file");
      const found = run("ssh-keygen", ["-F", `[127.0.0.1]:${port}`, "-f", real]);
      assert.match(found, /found: line 2/, "OpenSSH finds the hashed line ops wrote");
      await open(root()); // and ops, strictly, finds it too
    } finally {
      await rm(realDir, { recursive: true, force: true });
    }
  });

  it("refuses to add a key to a read-only known_hosts and leaves it as it was", async () => {
    await writeFile(knownHosts(), "# kept read-only on purpose\n");
    await chmod(knownHosts(), 0o444);
    await assert.rejects(open(root(), options({ hostKeyPolicy: "accept-new" })), (e: ConnectError) => {
      assert.ok(e instanceof ConnectError, String(e));
      assert.equal(
        e.message,
        `cannot add the host key of 127.0.0.1:${port} to ${knownHosts()}: is read-only (mode 0444): ops does not change that`,
      );
      assert.match(e.hint ?? "", new RegExp(`ssh-keyscan -p ${port} 127\\.0\\.0\\.1 >> `));
      return true;
    });
    assert.equal((await stat(knownHosts())).mode & 0o7777, 0o444);
    assert.equal(await readFile(knownHosts(), "utf8"), "# kept read-only on purpose\n");
  });

  it("names the file when known_hosts is a directory", async () => {
    await mkdir(knownHosts());
    try {
      await assert.rejects(open(root(), options({ hostKeyPolicy: "accept-new" })), (e: ConnectError) => {
        assert.ok(e instanceof ConnectError, String(e));
        assert.equal(e.message, `known_hosts ${knownHosts()} is a directory, not a regular file`);
        return true;
      });
    } finally {
      await rm(knownHosts(), { recursive: true, force: true });
    }
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

      // sudo's refusals come from a host that was reached: BecomeError (a failed host), never
      // ConnectError (an unreachable one).
      const noPw = await open(base);
      await assert.rejects(noPw.exec("id -u"), (e: BecomeError) => {
        assert.ok(e instanceof BecomeError && !(e instanceof ConnectError), String(e));
        assert.equal(e.message, "sudo needs a password: set ansible_become_password");
        return true;
      });
      const wrong = await open({ ...base, becomePassword: "wrong-become-pw" });
      await assert.rejects(wrong.exec("id -u"), (e: BecomeError) => {
        assert.ok(e instanceof BecomeError, String(e));
        assert.equal(e.message, "sudo refused the become password");
        return true;
      });
    });

    it("reports sudo's requiretty as a become refusal", async () => {
      const t = await open(root({ user: "opstest-tty", become: true }));
      assert.equal((await t.exec("id -un", { become: false })).stdout, "opstest-tty\n", "logged in");
      await assert.rejects(t.exec("id -u"), (e: BecomeError) => {
        assert.ok(e instanceof BecomeError, String(e));
        assert.equal(e.message, "sudo requires a terminal for this user (requiretty)");
        return true;
      });
    });
  });
});

/**
 * The same failures through the built CLI against a lab host: the process must report the host,
 * exit with the documented code 2 and print no stack. `--check` only reads facts, so nothing changes
 * on the host even if a refusal regressed into a connection.
 */
describe("ops CLI on a lab host: known_hosts writes and sudo refusals", function () {
  this.timeout(300_000);
  let lab: LabInfo;
  let host: HostEntry;
  let work = "";
  const STACK = /\n\s+at .*:\d+:\d+/;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    await labUp();
    lab = readLab();
    const first = lab.hosts[0];
    if (!first) throw new Error("the lab has no host");
    host = { name: first.name, address: first.address };
    work = await mkdtemp(join(tmpdir(), "ops-cli-kh-"));
    await chmod(work, 0o755);
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** `ops run install-engine --check` as JSON, accepting new host keys into `knownHosts`. */
  const check = (inventory: string, knownHosts: string, wrap: string[] = []): Promise<OpsResult> =>
    ops(
      [
        "run",
        "install-engine",
        "--check",
        "-i",
        inventory,
        "--output",
        "json",
        "--accept-new-host-keys",
      ].concat(["--known-hosts", knownHosts]),
      "",
      undefined,
      wrap,
    );

  /** The one host-unreachable message of the run, after checking it ended cleanly with exit 2. */
  function unreachableCleanly(result: OpsResult): string {
    assert.equal(result.code, 2, `exit ${result.code}\n${result.stderr}${result.stdout.slice(-2000)}`);
    assert.doesNotMatch(result.stderr, STACK, "a stack trace was printed");
    assert.doesNotMatch(result.stderr, /unhandled|internal error/i);
    assert.equal(summaries(result)[host.name]?.status, "unreachable");
    return failures(result, host.name).join("\n");
  }

  it("a known_hosts in a directory the user cannot write: the host is reported, exit 2, no stack", async () => {
    // ops runs as nobody: its key, inventory and known_hosts are its own, the directory is not.
    const key = join(work, "id_nobody");
    await writeFile(key, await readFile(lab.privateKeyFile), { mode: 0o600 });
    await chown(key, 65534, 65534);
    const inventory = writeInventory(lab, [host], { ansible_ssh_private_key_file: key });
    await chmod(dirname(inventory), 0o755);
    await chmod(inventory, 0o644);
    const lockedDir = join(work, "locked");
    await mkdir(lockedDir, { mode: 0o755 });
    const knownHosts = join(lockedDir, "known_hosts");
    await writeFile(knownHosts, "", { mode: 0o644 });
    await chown(knownHosts, 65534, 65534);

    // HOME too: root's ~/.ssh is not readable by nobody, and would be the wrong one anyway.
    const nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env", `HOME=${work}`];
    const message = unreachableCleanly(await check(inventory, knownHosts, nobody));
    assert.match(
      message,
      new RegExp(
        `cannot add the host key of ${host.address.replace(/\./g, "\\.")}:22 to ${knownHosts}: ` +
          `permission denied \\(EACCES\\) writing a temporary file in ${lockedDir}`,
      ),
    );
    assert.equal(await readFile(knownHosts, "utf8"), "", "known_hosts unchanged");
  });

  it("a known_hosts on a full disk: the host is reported, exit 2, no stack, no temp file left", async () => {
    // A one-page tmpfs, filled, in a mount namespace of ops's own: it vanishes with the process.
    const full = join(work, "full");
    await mkdir(full);
    const knownHosts = join(full, "known_hosts");
    const listing = join(work, "full-after.txt");
    const mountFull =
      `mount -t tmpfs -o size=4k tmpfs ${full} && (head -c 65536 /dev/zero > ${full}/filler 2>/dev/null; true) ` +
      `&& { "$@"; rc=$?; ls -A ${full} > ${listing}; exit $rc; }`;
    const wrap = ["unshare", "--mount", "--propagation", "private", "sh", "-c", mountFull, "sh"];
    const inventory = writeInventory(lab, [host]);
    const message = unreachableCleanly(await check(inventory, knownHosts, wrap));
    assert.match(message, /no space left on device \(ENOSPC\) writing a temporary file in /);
    assert.ok(message.includes(knownHosts), message);
    assert.equal(
      await readFile(listing, "utf8"),
      "filler\n",
      "a temp file or a partial known_hosts was left",
    );
  });

  // Skipped, a known bug: since facts and the batch share one staged command, sudo -S reads a second
  // password attempt from the still-open stdin after a wrong one, so the run waits until the connection
  // is declared lost (about 43 s) and the host is reported unreachable instead of failed.
  it("a wrong sudo password: the host is failed (reached, sudo refused), not unreachable", async () => {
    const wrongPassword = `wrong-${randomBytes(4).toString("hex")}`;
    const knownHosts = join(work, "known_hosts");
    await writeFile(knownHosts, await readFile(lab.knownHostsFile));
    const inventory = writeInventory(lab, [
      {
        ...host,
        vars: { ansible_user: "opspw", ansible_become: true, ansible_become_password: wrongPassword },
      },
    ]);
    const result = await check(inventory, knownHosts);
    assert.equal(result.code, 2, result.stderr);
    assert.doesNotMatch(result.stderr, STACK);
    assert.equal(summaries(result)[host.name]?.status, "failed");
    const failed = result.events.filter((e) => e.kind === "host-failed" && e.host === host.name);
    assert.equal(failed.length, 1);
    assert.ok(!result.events.some((e) => e.kind === "host-unreachable"), "reported as unreachable");
    const [event] = failed;
    assert.ok(event?.kind === "host-failed");
    assert.deepEqual([event.error.kind, event.error.message], ["become", "sudo refused the become password"]);
    assert.ok(!`${result.stdout}${result.stderr}`.includes(wrongPassword), "the password leaked");
  });
});
