/**
 * The deb family end to end: a mixed inventory (one el9 host installing with dnf, the debian12 host
 * installing with apt from the lab's Docker-style apt repo) converges in one run and is a one-command
 * no-op on the second; verify and check pass on both; a repo signed by the wrong key installs
 * nothing; Debian's conflicting packages removed only with --yes; a pinned version, a downgrade and
 * an upgrade with --yes; deploy-registry with the registry on debian12. Scenarios run in order and say
 * what state they start from; the two hosts are recreated once, before the first.
 */
import assert from "node:assert/strict";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { DEB_ENGINE_VERSION, DEB_OLDER_ENGINE_VERSION } from "../lab/apt-packages.js";
import { failures, ops, summaries } from "./helpers/ops-cli.js";
import { writeInventory, type HostEntry } from "./helpers/inventory.js";
import { installStubDeb } from "./helpers/stub-deb.js";
import { engineConfig, engineIdentity, fileStamps } from "./helpers/host-state.js";
import { HARDENED_DAEMON, LAB_WAIVERS, runCheck } from "./helpers/compliance.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { PASSWORDS, dockerLogin, registryVars, writeRegistryInventory } from "./helpers/registry.js";

const EL = "el9-3";
const DEB = "debian12-1";
const APT_FILES = [
  "/etc/apt/sources.list.d/docker-ce.sources",
  "/etc/apt/keyrings/docker-ce.asc",
  "/etc/docker/daemon.json",
];
const dpkgVersion = async (pkg: string) =>
  (await hostExecResult(DEB, `dpkg-query -W -f='\${Version}' ${pkg}`)).stdout.trim();

describe("apt: install-engine and friends on a mixed el9 + debian12 inventory", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  const run = (inv: string, ...args: string[]) =>
    ops(["run", "install-engine", "-i", inv, "--output", "json", ...args]);

  before(async () => {
    await labUp();
    lab = readLab();
    if (lab.aptRepoUrl === undefined || !lab.hosts.some((h) => h.name === DEB))
      throw new Error("the lab needs debian12-1 and its apt repo: npm run lab:up -- --debian12 1");
    // One after the other: each rewrites known_hosts.
    await recreateHost(EL);
    await recreateHost(DEB);
    lab = readLab();
    const entry = (name: string, vars?: Record<string, unknown>): HostEntry => ({
      name,
      address: lab.hosts.find((h) => h.name === name)!.address,
      ...(vars ? { vars } : {}),
    });
    inventory = writeInventory(lab, [entry(EL), entry(DEB, { docker_repo_url: lab.aptRepoUrl })], {
      insecure_registries: [lab.hubRegistry],
      // Hardened as the compliance tests do, so the default CIS policy can pass on both hosts.
      docker_daemon_options: HARDENED_DAEMON,
    });
  });

  it("a Release signed by a key other than the published one: apt refuses it and nothing is installed", async () => {
    const rogue = writeInventory(lab, [
      {
        name: DEB,
        address: lab.hosts.find((h) => h.name === DEB)!.address,
        vars: { docker_repo_url: lab.aptRogueRepoUrl },
      },
    ]);
    const result = await run(rogue);
    assert.notEqual(result.code, 0);
    assert.match(failures(result, DEB).join("\n"), /NO_PUBKEY|not signed/);
    assert.equal(await dpkgVersion("docker-ce"), "");
    assert.equal(
      (await hostExecResult(DEB, "test -e /etc/apt/trusted.gpg")).exitCode,
      1,
      "apt-key's keyring",
    );
  });

  it("Debian's docker.io and podman-docker installed: refused without --yes, naming both; nothing installed", async () => {
    await installStubDeb(DEB, "docker.io", "20.10.24+dfsg1-1");
    await installStubDeb(DEB, "podman-docker", "4.3.1+ds1-8");
    const refused = await run(inventory, "-l", DEB);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      failures(refused, DEB).join("\n"),
      /docker\.io, podman-docker are installed and conflict with docker-ce; .*--yes/,
    );
    assert.equal(await dpkgVersion("docker.io"), "20.10.24+dfsg1-1");
    assert.equal(await dpkgVersion("docker-ce"), "");
  });

  it("converges both hosts in one run, each with its family: dnf on el9, apt with a Signed-By source on debian12 (--yes removes the conflicts)", async () => {
    const result = await run(inventory, "--yes");
    assert.equal(result.code, 0, [EL, DEB].flatMap((h) => failures(result, h)).join("; ") + result.stderr);
    const by = summaries(result);
    for (const h of [EL, DEB]) {
      assert.equal(by[h]?.status, "changed");
      const cfg = await engineConfig(h);
      assert.deepEqual([cfg.active, cfg.enabled], ["active", "enabled"], h);
      assert.deepEqual(cfg.mirrors, [`${lab.mirrorUrl}/`], h);
      assert.ok(cfg.insecure.includes(lab.hubRegistry), h);
    }
    assert.match(await hostExec(EL, "rpm -q docker-ce"), /^docker-ce-20\.10\.24-1\.el9/);
    assert.equal(await dpkgVersion("docker-ce"), DEB_ENGINE_VERSION);
    assert.equal(await dpkgVersion("docker-ce-cli"), DEB_ENGINE_VERSION);
    for (const gone of ["docker.io", "podman-docker"]) {
      const status = await hostExecResult(DEB, `dpkg-query -W -f='\${db:Status-Status}' ${gone}`);
      assert.notEqual(status.stdout.trim(), "installed", `${gone} is still installed`);
    }
    const sources = await hostExec(DEB, "cat /etc/apt/sources.list.d/docker-ce.sources");
    assert.match(sources, new RegExp(`^URIs: ${lab.aptRepoUrl}$`, "m"));
    assert.match(sources, /^Suites: bookworm$/m);
    assert.match(sources, /^Signed-By: \/etc\/apt\/keyrings\/docker-ce\.asc$/m);
    assert.match(
      await hostExec(DEB, "docker pull busybox 2>&1"),
      /Downloaded newer image|Image is up to date/,
    );
  });

  it("the second run is a one-command no-op on both hosts and touches no file", async () => {
    const before = await Promise.all([fileStamps(EL), fileStamps(DEB, APT_FILES), engineIdentity(DEB)]);
    const result = await run(inventory);
    assert.equal(result.code, 0);
    const by = summaries(result);
    for (const h of [EL, DEB]) {
      assert.equal(by[h]?.status, "ok", h);
      assert.equal(by[h]?.changed, 0, h);
      assert.equal(by[h]?.commands, 1, `${h} sent more than the fact probe`);
    }
    assert.deepEqual(
      await Promise.all([fileStamps(EL), fileStamps(DEB, APT_FILES), engineIdentity(DEB)]),
      before,
    );
  });

  it("ops verify passes on both hosts", async () => {
    const result = await ops(["verify", "-i", inventory, "--output", "json"]);
    assert.equal(result.code, 0, result.stdout.slice(-3000) + result.stderr);
  });

  it("ops check judges both hosts alike: nothing fails or errs on either, one round trip each", async () => {
    const waivers = join(mkdtempSync(join(tmpdir(), "ops-apt-e2e-")), "waivers.yaml");
    // The hub is plain HTTP, trusted through insecure_registries, which CIS 2.5 fails unless waived.
    // The hub is plain HTTP, trusted through insecure_registries (CIS 2.5); the busybox image this test
    // pulled has no HEALTHCHECK (4.6). Both are the lab's, waived as a site would.
    const extra = [
      { check: "cis.2.5", justification: "the lab's hub registry serves plain HTTP", expires: "2099-12-31" },
      {
        check: "cis.4.6",
        justification: "busybox, pulled by this test, has no HEALTHCHECK",
        expires: "2099-12-31",
      },
    ];
    writeFileSync(waivers, stringify({ waivers: [...LAB_WAIVERS, ...extra] }));
    const c = await runCheck(inventory, lab, ["--waivers", waivers, "--no-history"]);
    for (const h of [EL, DEB]) {
      assert.deepEqual(c.failing(h), [], `${h}: ${c.result.stderr}`);
      assert.equal(c.hosts[h]?.commands, 1, h);
    }
    assert.equal(c.code, 0);
  });

  it("pins docker-ce: a downgrade and an upgrade back with --yes; the next run is a no-op", async () => {
    const pin = (v: string) => ["-l", DEB, "-e", `docker_version=${v}`];
    const down = await run(inventory, ...pin("20.10.23"), "--yes");
    assert.equal(down.code, 0, failures(down, DEB).join("; "));
    assert.equal(await dpkgVersion("docker-ce"), DEB_OLDER_ENGINE_VERSION);
    assert.equal(await dpkgVersion("docker-ce-cli"), DEB_OLDER_ENGINE_VERSION);
    const up = await run(inventory, ...pin(DEB_ENGINE_VERSION), "--yes");
    assert.equal(up.code, 0, failures(up, DEB).join("; "));
    assert.equal(await dpkgVersion("docker-ce"), DEB_ENGINE_VERSION);
    const again = await run(inventory, ...pin("20.10.24"));
    assert.equal(summaries(again)[DEB]?.changed, 0);
    assert.equal(summaries(again)[DEB]?.commands, 1);
    assert.equal((await engineConfig(DEB)).active, "active");
  });

  it("deploy-registry on the debian12 host: el9 trusts it, logs in and pushes, debian12 pulls the same digest; the second run is a one-command no-op", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-apt-registry-"));
    const at = (name: string) => ({ name, address: lab.hosts.find((h) => h.name === name)!.address });
    const inv = writeRegistryInventory(lab, dir, registryVars(lab), [at(DEB), at(EL)]);
    const R = at(DEB).address;
    const deploy = () => ops(["run", "deploy-registry", "-i", inv, "--output", "json"]);
    const fresh = await deploy();
    assert.equal(fresh.code, 0, [DEB, EL].flatMap((h) => failures(fresh, h)).join("; ") + fresh.stderr);
    const ps = await hostExec(DEB, "docker compose -p ops-registry ps --format '{{.Service}} {{.Status}}'");
    for (const svc of ["registry", "nginx", "proxy"])
      assert.match(ps, new RegExp(`^${svc} Up .*\\(healthy\\)`, "m"));
    assert.match(await hostExec(EL, `cat /etc/docker/certs.d/${R}/ca.crt`), /BEGIN CERTIFICATE/);

    assert.match(await dockerLogin(EL, R, "dev", PASSWORDS.dev), /^0 .*Login Succeeded/s);
    await hostExec(EL, `docker pull -q busybox && docker tag busybox ${R}/team/tool:1`);
    const push = await hostExec(EL, `docker push ${R}/team/tool:1 2>&1`);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push)?.[1];
    assert.ok(digest, push);
    assert.match(await dockerLogin(DEB, R, "guest", PASSWORDS.guest), /^0 .*Login Succeeded/s);
    await hostExec(DEB, `docker pull -q ${R}/team/tool:1`);
    const pulled = await hostExec(
      DEB,
      `docker image inspect --format '{{join .RepoDigests " "}}' ${R}/team/tool:1`,
    );
    assert.ok(pulled.includes(`${R}/team/tool@${digest}`), `${pulled} lacks ${digest}`);

    const again = await deploy();
    assert.equal(again.code, 0, again.stderr);
    for (const [host, sum] of Object.entries(summaries(again))) {
      assert.equal(
        sum.status,
        "ok",
        `${host}: ${JSON.stringify(sum.plan.filter((p) => p.outcome !== "noop"))}`,
      );
      assert.equal(sum.commands, 1, `${host} sent ${sum.commands} commands`);
    }
  });
});
