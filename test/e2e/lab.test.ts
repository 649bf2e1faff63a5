// Self-test of the test lab (test/lab): proves each component the end-to-end tests rely on is real.
// Every assertion here would fail if the lab were broken: wrong host keys, no systemd, no signature check,
// no mirror. One el9 host is used for installs and recreated afterwards, so later tests get it fresh.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "zx";
import { sshArgs } from "../lab/hosts.js";
import { hostExec, hostExecResult, labUp, recreateHost, type LabHost, type LabInfo } from "../lab/lab.js";

$.verbose = false;
$.quiet = true;

/** Runs a command on a lab host with plain OpenSSH, strict host key checking against the lab's known_hosts. */
function ssh(user: string, host: LabHost, command: string, knownHosts?: string) {
  return $`ssh ${sshArgs(user, host.address, knownHosts)} ${command}`.nothrow();
}

describe("lab", function () {
  this.timeout(900_000);
  let lab: LabInfo;

  before(async () => {
    lab = await labUp();
    assert.ok(lab.hosts.length > 0, "the lab has hosts");
  });

  it("each host answers SSH with the host key recorded in known_hosts", async () => {
    for (const host of lab.hosts) {
      const r = await ssh("root", host, "hostname");
      assert.equal(r.exitCode, 0, `${host.name}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), host.name);
    }
  });

  it("refuses a host whose key is not in known_hosts", async () => {
    const empty = join(mkdtempSync(join(tmpdir(), "ops-lab-")), "known_hosts");
    writeFileSync(empty, "");
    const host = lab.hosts[0]!;
    const r = await ssh("root", host, "true", empty);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /Host key verification failed/);
  });

  it("systemd is `running` on every host", async () => {
    for (const host of lab.hosts) {
      const r = await ssh("root", host, "systemctl is-system-running");
      assert.equal(r.stdout.trim(), "running", `${host.name}: ${r.stdout}${r.stderr}`);
    }
  });

  it("has root, ops (passwordless sudo) and opspw (sudo asks for a password)", async () => {
    const host = lab.hosts[0]!;
    assert.equal((await ssh("root", host, "id -u")).stdout.trim(), "0");
    assert.equal((await ssh("ops", host, "id -un && sudo -n id -u")).stdout.trim(), "ops\n0");
    const noPassword = await ssh("opspw", host, "sudo -n id -u");
    assert.notEqual(noPassword.exitCode, 0);
    assert.match(noPassword.stderr, /password is required/);
    const withPassword = await ssh("opspw", host, `echo '${lab.sudoPassword}' | sudo -S -p '' id -u`);
    assert.equal(withPassword.stdout.trim(), "0", withPassword.stderr);
    const wrong = await ssh("opspw", host, "echo wrong | sudo -S -p '' id -u");
    assert.notEqual(wrong.exitCode, 0);
  });

  it("presents el9 hosts as CentOS Stream 9 with a base system in the rpm database", async () => {
    for (const host of lab.hosts.filter((h) => h.kind === "el9")) {
      const r = await ssh(
        "root",
        host,
        '. /etc/os-release && echo "$ID $VERSION_ID" && rpm -q --whatprovides /bin/sh',
      );
      assert.match(r.stdout, /^centos 9\nops-lab-base-system-9-1\.el9\.noarch\n$/, r.stderr);
    }
  });

  it("publishes the repo key at <repo>/gpg with the fingerprint in the inventory", async () => {
    assert.match(lab.gpgFingerprint, /^[0-9A-F]{40}$/);
    const key = await (await fetch(`${lab.repoUrl}/gpg`)).text();
    const mirrored = await (await fetch(`${lab.mirrorRepoUrl}/gpg`)).text();
    assert.equal(mirrored, key);
    const dir = mkdtempSync(join(tmpdir(), "ops-lab-gpg-"));
    writeFileSync(join(dir, "key.asc"), key);
    const shown = await $`gpg --show-keys --with-colons ${join(dir, "key.asc")}`;
    assert.ok(
      shown.stdout.includes(`fpr:::::::::${lab.gpgFingerprint}:`),
      "fingerprint matches the served key",
    );
    assert.ok(readFileSync(lab.inventoryFile, "utf8").includes(lab.gpgFingerprint));
  });

  describe("an engine installed on one el9 host from the lab repo", () => {
    let host: LabHost;
    const repoFile = (keyUrl: string, baseUrl: string) =>
      [
        "[docker-ce-stable]",
        "name=Docker CE Stable - $basearch",
        `baseurl=${baseUrl}/$releasever/$basearch/stable`,
        "enabled=1",
        "gpgcheck=1",
        `gpgkey=${keyUrl}`,
        "",
      ].join("\n");

    before(async () => {
      const el9 = lab.hosts.filter((h) => h.kind === "el9");
      host = el9[el9.length - 1]!;
      // Start from a fresh host: nothing installed, whatever earlier runs did to it.
      await recreateHost(host.name);
      await hostExec(
        host.name,
        `cat >/etc/yum.repos.d/docker-ce.repo <<'EOF'\n${repoFile(`${lab.repoUrl}/gpg`, lab.repoUrl)}EOF`,
      );
      await hostExec(host.name, `rpm --import ${lab.repoUrl}/gpg`);
    });

    after(async () => {
      await recreateHost(host.name);
    });

    it("offers two engine releases, so version pinning can be tested", async () => {
      const out = await hostExec(host.name, "dnf -q list --showduplicates docker-ce 2>/dev/null");
      assert.match(out, /3:20\.10\.23-1\.el9/);
      assert.match(out, /3:20\.10\.24-1\.el9/);
    });

    it("dnf installs docker-ce, docker-ce-cli, containerd.io and docker-compose-plugin with gpgcheck=1", async () => {
      await hostExec(host.name, "dnf install -y docker-ce docker-ce-cli containerd.io docker-compose-plugin");
      const q = await hostExec(
        host.name,
        "rpm -q --qf '%{NAME} %{EPOCH}:%{VERSION}\\n' docker-ce docker-ce-cli",
      );
      assert.equal(q, "docker-ce 3:20.10.24\ndocker-ce-cli 1:20.10.24\n");
      assert.match(await hostExec(host.name, "getent group docker"), /^docker:/);
    });

    it("refuses an RPM signed with another key", async () => {
      const r = await hostExecResult(host.name, "dnf install -y ops-lab-rogue");
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stdout + r.stderr, /GPG check FAILED|not signed|public key/i);
      assert.notEqual((await hostExecResult(host.name, "rpm -q ops-lab-rogue")).exitCode, 0);
    });

    it("starts the engine under systemd and pulls busybox through the mirror", async () => {
      await hostExec(
        host.name,
        `mkdir -p /etc/docker && echo '{"registry-mirrors": ["${lab.mirrorUrl}"]}' >/etc/docker/daemon.json`,
      );
      await hostExec(host.name, "systemctl start docker");
      assert.equal(
        (await hostExec(host.name, "systemctl is-active docker containerd")).trim(),
        "active\nactive",
      );
      assert.ok((await hostExec(host.name, "docker info")).includes(`${lab.mirrorUrl}/`));
      // With no internet, the pull can only succeed through the mirror; its catalog then holds busybox.
      await hostExec(host.name, "docker pull busybox");
      assert.equal((await hostExec(host.name, "docker run --rm busybox echo hello")).trim(), "hello");
      const catalog = (await (await fetch(`${lab.mirrorUrl}/v2/_catalog`)).json()) as {
        repositories: string[];
      };
      assert.ok(catalog.repositories.includes("library/busybox"), JSON.stringify(catalog));
    });

    it("answers `docker compose version` with a v2 plugin", async () => {
      assert.match(await hostExec(host.name, "docker compose version"), /Docker Compose version v?2\./);
    });
  });

  describe("apt on the debian12 host, from the lab's Docker-style apt repository", () => {
    let host: LabHost;
    const sources = (url: string) =>
      [
        "Types: deb",
        `URIs: ${url}`,
        "Suites: bookworm",
        "Components: stable",
        "Signed-By: /etc/apt/keyrings/docker.asc",
        "",
      ].join("\n");
    const useRepo = (url: string) =>
      hostExec(
        host.name,
        `curl -fsS ${url}/gpg -o /etc/apt/keyrings/docker.asc && cat >/etc/apt/sources.list.d/docker.sources <<'EOF'\n${sources(url)}EOF`,
      );

    before(async function () {
      const debian = lab.hosts.find((h) => h.kind === "debian12");
      if (debian === undefined || lab.aptRepoUrl === undefined) return this.skip();
      host = debian;
      await recreateHost(host.name);
    });

    after(async () => {
      if (host !== undefined) await recreateHost(host.name);
    });

    it("knows no Debian mirror: apt sees only the sources written to it", async () => {
      const r = await hostExecResult(
        host.name,
        "apt-get update 2>&1; apt-cache policy | grep -c http || true",
      );
      assert.equal(r.stdout.trim().split("\n").pop(), "0", r.stdout);
    });

    it("refuses a Release signed by a key other than Signed-By's, and installs nothing", async () => {
      await useRepo(lab.aptRogueRepoUrl!);
      const r = await hostExecResult(host.name, "apt-get update");
      assert.equal(r.exitCode, 100, r.stdout + r.stderr);
      assert.match(r.stderr, /NO_PUBKEY|is not signed/);
      const install = await hostExecResult(host.name, "apt-get install -y docker-ce");
      assert.notEqual(install.exitCode, 0);
      assert.notEqual((await hostExecResult(host.name, "dpkg-query -W docker-ce")).exitCode, 0);
    });

    it("offers docker-ce 5:20.10.24 and 5:20.10.23 under the mirror-style path too", async () => {
      await useRepo(lab.aptMirrorRepoUrl!);
      await hostExec(host.name, "apt-get update");
      const out = await hostExec(host.name, "apt-cache madison docker-ce");
      assert.match(out, /5:20\.10\.24-1~debian\.12~bookworm .*docker-ce\/linux\/debian bookworm\/stable/);
      assert.match(out, /5:20\.10\.23-1~debian\.12~bookworm/);
    });

    it("installs a pinned engine with apt-get, which starts it, then upgrades it", async () => {
      await useRepo(lab.aptRepoUrl!);
      await hostExec(host.name, "apt-get update");
      const v = (s: string) =>
        `docker-ce=5:20.10.${s}-1~debian.12~bookworm docker-ce-cli=5:20.10.${s}-1~debian.12~bookworm`;
      await hostExec(
        host.name,
        `DEBIAN_FRONTEND=noninteractive apt-get install -y ${v("23")} containerd.io docker-compose-plugin`,
      );
      const q = "dpkg-query -W -f='${Package} ${Version}\\n' docker-ce docker-ce-cli";
      assert.match(await hostExec(host.name, q), /docker-ce 5:20\.10\.23-1~debian\.12~bookworm/);
      assert.equal((await hostExec(host.name, "systemctl is-active docker")).trim(), "active");
      assert.match(await hostExec(host.name, "dpkg-query -W -f='${Provides}' containerd.io"), /runc/);
      await hostExec(host.name, `DEBIAN_FRONTEND=noninteractive apt-get install -y ${v("24")}`);
      assert.match(await hostExec(host.name, q), /docker-ce 5:20\.10\.24-1~debian\.12~bookworm/);
      assert.match(await hostExec(host.name, "docker compose version"), /Docker Compose version v?2\./);
      assert.ok((await hostExec(host.name, "cat /etc/default/docker")).includes("DOCKER_OPTS"));
    });
  });

  it("recreateHost gives a fresh host with new host keys and updates known_hosts", async () => {
    const host = lab.hosts[0]!;
    const before = readFileSync(lab.knownHostsFile, "utf8");
    await recreateHost(host.name);
    const after = readFileSync(lab.knownHostsFile, "utf8");
    const keyOf = (text: string) =>
      text.split("\n").find((l) => l.startsWith(`${host.address} ssh-ed25519 `));
    assert.ok(keyOf(after) !== undefined && keyOf(after) !== keyOf(before), "host key changed");
    const r = await ssh("root", host, "systemctl is-system-running; rpm -q docker-ce || true");
    assert.match(r.stdout, /^running\npackage docker-ce is not installed/, r.stderr);
  });
});
