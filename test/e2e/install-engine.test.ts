/**
 * install-engine end to end on the lab's real sshd, systemd, dnf/rpm (signed repo) and nested engine.
 * The scenarios run in order on three hosts; each says what state it starts from.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { testCa } from "../helpers/test-ca.js";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { failures, ops, summaries } from "./helpers/ops-cli.js";
import { writeInventory, type HostEntry } from "./helpers/inventory.js";
import { installDummyRpm } from "./helpers/dummy-rpm.js";
import { engineConfig, engineIdentity, exists, fileStamps } from "./helpers/host-state.js";

describe("install-engine on lab hosts", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let hosts: HostEntry[];
  let inventory: string;
  const run = (inv: string, ...args: string[]) =>
    ops(["run", "install-engine", "-i", inv, "--output", "json", ...args]);

  before(async () => {
    await labUp({ el9: 3 });
    // The rpm family's hosts: the lab's debian12 host is the deb family's, proven in its own file.
    for (const h of readLab().hosts.filter((x) => x.kind === "el9")) await recreateHost(h.name);
    lab = readLab();
    hosts = lab.hosts.filter((h) => h.kind === "el9").map((h) => ({ name: h.name, address: h.address }));
    inventory = writeInventory(lab, hosts, { insecure_registries: [lab.hubRegistry] });
  });

  it("converges fresh hosts: engine active and enabled, mirrors and insecure registries live, busybox pulls", async () => {
    const result = await run(inventory);
    const by = summaries(result);
    assert.equal(result.code, 0, result.stderr + result.stdout.slice(-3000));
    // The engine starts with its final daemon.json: no reload or restart right after the first start.
    assert.ok(!result.events.some((e) => e.kind === "handler-ran"), "a handler ran on a fresh host");
    for (const h of hosts) {
      assert.equal(by[h.name]?.status, "changed", `${h.name}: ${failures(result, h.name).join("; ")}`);
      const cfg = await engineConfig(h.name);
      assert.equal(cfg.active, "active");
      assert.equal(cfg.enabled, "enabled");
      assert.deepEqual(cfg.mirrors, [`${lab.mirrorUrl}/`]);
      assert.ok(cfg.insecure.includes(lab.hubRegistry), `insecure registries: ${cfg.insecure.join(", ")}`);
      assert.match(
        await hostExec(h.name, "docker pull busybox 2>&1"),
        /Downloaded newer image|Image is up to date/,
      );
    }
  });

  it("a second run changes nothing, sends one command per host, touches no file and keeps the engine running", async () => {
    const before = await Promise.all(
      hosts.map(async (h) => [await fileStamps(h.name), await engineIdentity(h.name)]),
    );
    const result = await run(inventory);
    const by = summaries(result);
    assert.equal(result.code, 0);
    for (const h of hosts) {
      assert.equal(by[h.name]?.status, "ok");
      assert.equal(by[h.name]?.changed, 0);
      assert.equal(by[h.name]?.commands, 1, `${h.name} sent more than the fact probe`);
    }
    assert.ok(!result.events.some((e) => e.kind === "step-ran" || e.kind === "handler-ran"));
    const after = await Promise.all(
      hosts.map(async (h) => [await fileStamps(h.name), await engineIdentity(h.name)]),
    );
    assert.deepEqual(after, before);
  });

  it("registry_ca_certs puts a private registry's CA in certs.d without restarting the engine; the next run is a no-op", async () => {
    const host = "el9-3";
    const entry = hosts.filter((h) => h.name === host);
    const { caPem } = await testCa();
    const inv = writeInventory(lab, entry, {
      insecure_registries: [lab.hubRegistry],
      registry_ca_certs: { "reg.lan:5000": caPem },
    });
    const engine = await engineIdentity(host);
    const first = await run(inv);
    assert.equal(first.code, 0, failures(first, host).join("; ") + first.stderr);
    assert.equal(summaries(first)[host]?.changed, 1, "only the CA file is new");
    assert.equal(await hostExec(host, "cat /etc/docker/certs.d/reg.lan:5000/ca.crt"), caPem);
    assert.equal(
      (await hostExec(host, "stat -c '%a %U:%G' /etc/docker/certs.d/reg.lan:5000/ca.crt")).trim(),
      "444 root:root",
    );
    assert.deepEqual(await engineIdentity(host), engine, "the engine was restarted");
    const again = await run(inv);
    assert.equal(summaries(again)[host]?.status, "ok");
    assert.equal(summaries(again)[host]?.commands, 1);
    await hostExec(host, "rm -rf /etc/docker/certs.d/reg.lan:5000");
  });

  it("--diff previews the daemon.json key change; changing only the mirrors keeps a key set by hand and reloads the engine instead of restarting it", async () => {
    const host = "el9-1";
    await hostExec(
      host,
      `python3 -c 'import json; p="/etc/docker/daemon.json"; d=json.load(open(p)); d["labels"]=["set-by=hand"]; json.dump(d, open(p,"w"))'`,
    );
    const pidBefore = await engineIdentity(host);
    const extra = "http://172.28.213.4:5001";
    const mirrors = JSON.stringify({ registry_mirrors: [lab.mirrorUrl, extra] });
    const preview = await ops([
      "run",
      "install-engine",
      "-i",
      inventory,
      "-l",
      host,
      "-e",
      mirrors,
      "--check",
      "--diff",
    ]);
    assert.equal(preview.code, 3);
    assert.ok(
      preview.stdout.includes(`~ registry-mirrors: ["${lab.mirrorUrl}"] -> ["${lab.mirrorUrl}","${extra}"]`),
      preview.stdout,
    );
    const result = await run(inventory, "-l", host, "-e", mirrors);
    assert.equal(result.code, 0, failures(result, host).join("; "));
    assert.ok(result.events.some((e) => e.kind === "handler-ran" && e.handler === "docker-reload"));
    assert.ok(!result.events.some((e) => e.kind === "handler-ran" && e.handler === "docker-restart"));
    const daemon = JSON.parse(await hostExec(host, "cat /etc/docker/daemon.json")) as Record<string, unknown>;
    assert.deepEqual(daemon.labels, ["set-by=hand"]);
    assert.deepEqual(daemon["registry-mirrors"], [lab.mirrorUrl, extra]);
    assert.deepEqual((await engineConfig(host)).mirrors, [`${lab.mirrorUrl}/`, `${extra}/`]);
    assert.deepEqual(await engineIdentity(host), pidBefore, "the engine was restarted");
  });

  it("an invalid daemon option is rolled back: previous daemon.json restored, engine running, host failed with dockerd's message", async () => {
    const host = "el9-2";
    const before = await hostExec(host, "sha256sum /etc/docker/daemon.json");
    const result = await run(
      inventory,
      "-l",
      host,
      "-e",
      JSON.stringify({ docker_daemon_options: { "bogus-option": true } }),
    );
    assert.equal(result.code, 2);
    assert.equal(summaries(result)[host]?.status, "failed");
    assert.match(failures(result, host).join("\n"), /bogus-option/);
    assert.equal(await hostExec(host, "sha256sum /etc/docker/daemon.json"), before);
    assert.equal((await engineConfig(host)).active, "active");
    await hostExec(host, "docker info >/dev/null");
  });

  it("--check on a fresh host reports what it would do and changes nothing", async () => {
    const host = "el9-3";
    await recreateHost(host);
    const result = await run(writeInventory(readLab(), [hosts[2] as HostEntry]), "--check");
    assert.equal(result.code, 3);
    assert.equal(summaries(result)[host]?.status, "changed");
    const planned = result.events
      .filter((e) => e.kind === "step-planned")
      .map((e) => (e.kind === "step-planned" ? e.description : ""));
    assert.ok(
      planned.some((d) => /install .*docker-ce/.test(d)),
      planned.join("\n"),
    );
    assert.equal(summaries(result)[host]?.commands, 1);
    for (const path of [
      "/etc/yum.repos.d/docker-ce.repo",
      "/etc/docker/daemon.json",
      "/etc/pki/rpm-gpg/docker-ce.gpg",
      "/run/ops.lock",
    ]) {
      assert.equal(await exists(host, path), false, `${path} was created`);
    }
    assert.notEqual((await hostExecResult(host, "rpm -q docker-ce")).exitCode, 0);
  });

  it("a wrong fingerprint imports no key and installs nothing", async () => {
    const host = "el9-3";
    const inv = writeInventory(readLab(), [hosts[2] as HostEntry], {
      docker_repo_gpg_fingerprint: lab.rogueGpgFingerprint,
    });
    const result = await run(inv);
    assert.equal(result.code, 2);
    assert.match(failures(result, host).join("\n"), /fingerprint/i);
    assert.equal(
      (await hostExecResult(host, "rpm -q gpg-pubkey")).exitCode === 0,
      false,
      "a key was imported",
    );
    assert.equal(await exists(host, "/etc/yum.repos.d/docker-ce.repo"), false);
    assert.notEqual((await hostExecResult(host, "rpm -q docker-ce")).exitCode, 0);
  });

  it("installs through sudo as a non-root user, from a mirror-style URL, with a version pin and docker users", async () => {
    const host = "el9-3";
    const inv = writeInventory(
      readLab(),
      [{ ...(hosts[2] as HostEntry), vars: { ansible_user: "ops", ansible_become: true } }],
      {
        docker_repo_url: "",
        docker_mirror: lab.mirrorRepoUrl,
        docker_version: "20.10.23",
        docker_users: ["ops"],
      },
    );
    const result = await run(inv);
    assert.equal(result.code, 0, failures(result, host).join("; "));
    assert.match(
      await hostExec(host, "rpm -q docker-ce docker-ce-cli"),
      /docker-ce-20\.10\.23-1\.el9[\s\S]*docker-ce-cli-20\.10\.23-1\.el9/,
    );
    assert.match(
      await hostExec(host, "cat /etc/yum.repos.d/docker-ce.repo"),
      /\/docker-ce\/linux\/centos\/9\/\$basearch\/stable/,
    );
    assert.match(await hostExec(host, "id -nG ops"), /\bdocker\b/);
    const again = await run(inv);
    assert.equal(summaries(again)[host]?.status, "ok");
  });

  it("removes an installed conflicting package only with --yes", async () => {
    const host = "el9-3";
    await installDummyRpm(host, lab.hosts[2]?.container ?? "", "podman");
    const inv = writeInventory(readLab(), [hosts[2] as HostEntry], {
      insecure_registries: [lab.hubRegistry],
    });
    const refused = await run(inv);
    assert.equal(refused.code, 2);
    assert.match(failures(refused, host).join("\n"), /podman is installed and conflict.*--yes/s);
    assert.equal(
      (await hostExecResult(host, "rpm -q podman")).exitCode,
      0,
      "podman was removed without --yes",
    );
    const confirmed = await run(inv, "--yes");
    assert.equal(confirmed.code, 0, failures(confirmed, host).join("; "));
    assert.ok(
      confirmed.events.some((e) => e.kind === "step-ran" && e.description === "remove conflicting podman"),
    );
    assert.notEqual((await hostExecResult(host, "rpm -q podman")).exitCode, 0, "podman is still installed");
  });

  it("becomes root with a sudo password given in the inventory, which never shows in the output", async () => {
    const host = "el9-2";
    const entry = {
      ...(hosts[1] as HostEntry),
      vars: { ansible_user: "opspw", ansible_become: true, ansible_become_password: lab.sudoPassword },
    };
    const result = await run(writeInventory(readLab(), [entry]));
    assert.equal(result.code, 0, failures(result, host).join("; "));
    assert.equal(summaries(result)[host]?.status, "ok");
    assert.ok(!result.stdout.includes(lab.sudoPassword) && !result.stderr.includes(lab.sudoPassword));
    const without = await run(
      writeInventory(readLab(), [{ ...entry, vars: { ansible_user: "opspw", ansible_become: true } }]),
    );
    assert.equal(without.code, 2);
    assert.match(failures(without, host).join("\n"), /password/i);
  });

  it("an unreachable host among good ones is reported as such while the others converge", async () => {
    const ghost = { name: "ghost", address: lab.subnet.replace(/0\/24$/, "250") };
    const inv = writeInventory(readLab(), [hosts[0] as HostEntry, ghost, hosts[1] as HostEntry], {
      insecure_registries: [lab.hubRegistry],
    });
    const result = await run(inv);
    const by = summaries(result);
    assert.equal(result.code, 2);
    assert.equal(by.ghost?.status, "unreachable");
    assert.match(failures(result, "ghost").join("\n"), /172\.28\.213\.250/);
    for (const name of ["el9-1", "el9-2"]) {
      assert.ok(
        ["ok", "changed"].includes(by[name]?.status ?? ""),
        `${name}: ${failures(result, name).join("; ")}`,
      );
    }
    assert.equal(summaries(await run(inv, "-l", "el9-1:el9-2"))["el9-1"]?.status, "ok");
  });

  it("refuses a host whose key is not in known_hosts, with a hint; accepts it with --accept-new-host-keys", async () => {
    const knownHosts = join(dirname(inventory), "empty_known_hosts");
    writeFileSync(knownHosts, "");
    const inv = writeInventory(readLab(), [hosts[0] as HostEntry], { known_hosts: knownHosts });
    const refused = await run(inv);
    assert.equal(refused.code, 2);
    assert.equal(summaries(refused)["el9-1"]?.status, "unreachable");
    assert.match(failures(refused, "el9-1").join("\n"), /--accept-new-host-keys/);
    assert.equal(readFileSync(knownHosts, "utf8"), "");
    const accepted = await run(inv, "--accept-new-host-keys");
    assert.equal(accepted.code, 0, failures(accepted, "el9-1").join("; "));
    assert.ok(readFileSync(knownHosts, "utf8").includes(lab.hosts[0]?.address ?? "?"));
  });

  it("two runs on one host at once: one converges, the other is refused by the host lock", async () => {
    const host = "el9-3";
    await recreateHost(host);
    const inv = writeInventory(readLab(), [hosts[2] as HostEntry], {
      insecure_registries: [lab.hubRegistry],
    });
    const [a, b] = await Promise.all([run(inv), run(inv)]);
    const codes = [a.code, b.code].sort();
    assert.deepEqual(codes, [0, 2], `exit codes ${a.code} and ${b.code}`);
    const loser = a.code === 2 ? a : b;
    assert.match(failures(loser, host).join("\n"), /another ops run|host lock/);
    assert.equal(await exists(host, "/run/ops.lock"), false, "the winner left its lock behind");
    assert.equal((await engineConfig(host)).active, "active");
  });

  it("Ctrl-C mid-run: the step in flight finishes, no later step runs, the lock is released, exit 130", async () => {
    const host = "el9-3";
    await recreateHost(host);
    const inv = writeInventory(readLab(), [hosts[2] as HostEntry]);
    let sent = false;
    const result = await ops(["run", "install-engine", "-i", inv, "--output", "json"], "", (event, child) => {
      if (event.kind === "step-ran" && !sent) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    assert.ok(sent, "no step ran before the run ended");
    assert.equal(result.code, 130, result.stderr);
    assert.match(
      result.stderr,
      /interrupted \(SIGINT\): no new host starts; each host finishes its current step/,
    );
    assert.match(failures(result, host).join("\n"), /interrupted before/);
    assert.equal(await exists(host, "/run/ops.lock"), false, "the lock was left behind");
    assert.equal(await exists(host, "/etc/docker/daemon.json"), false, "a later step ran");
    assert.notEqual((await hostExecResult(host, "systemctl is-active docker")).stdout.trim(), "active");
  });
});
