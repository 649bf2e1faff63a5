/**
 * install-engine routes each host by what its /etc/os-release says. The lab runs one EL userland, so
 * here a host presents as another distribution by its os-release alone: the distribution's own file,
 * the text the unit fixtures hold (test/fixtures/facts/os-release, each naming its source). Preflight
 * names the repository it chose, the repo file points there and dnf installs from it; a distribution
 * Docker does not serve is refused before anything changes. The host is recreated afterwards.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { hostExec, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { failures, ops, summaries } from "./helpers/ops-cli.js";
import { writeInventory } from "./helpers/inventory.js";

const HOST = "el9-2";

/** Replaces the host's os-release (a file or a link to /usr/lib/os-release) with a fixture's text. */
async function presentAs(fixture: string): Promise<void> {
  const doc = JSON.parse(readFileSync(`test/fixtures/facts/os-release/${fixture}.json`, "utf8")) as {
    stdout: string;
  };
  const text = doc.stdout.split("\n@@release-file@@\n")[0] ?? "";
  const b64 = Buffer.from(text).toString("base64");
  await hostExec(HOST, `rm -f /etc/os-release && echo ${b64} | base64 -d > /etc/os-release`);
}

describe("install-engine routes a host by its os-release (lab)", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  let root: string;

  before(async () => {
    await labUp({ el9: 3 });
    await recreateHost(HOST);
    lab = readLab();
    const host = lab.hosts.find((h) => h.name === HOST);
    assert.ok(host, `no lab host ${HOST}`);
    // The lab repo's root, like https://download.docker.com: each host takes its own tree under it.
    root = lab.repoUrl.replace(/\/linux\/centos$/, "");
    inventory = writeInventory(lab, [{ name: host.name, address: host.address }], {
      docker_repo_url: "",
      docker_mirror: root,
    });
  });

  after(async () => {
    await recreateHost(HOST);
  });

  it("presenting as RHEL 9.3: preflight names Docker's linux/rhel tree under the mirror root, and dnf installs from it", async () => {
    await presentAs("rhel-9");
    const result = await ops(["run", "install-engine", "-i", inventory, "--output", "json"]);
    assert.equal(result.code, 0, failures(result, HOST).join("; ") + result.stderr);
    assert.equal(summaries(result)[HOST]?.status, "changed");
    const preflight = result.events.find((e) => e.kind === "noop" && e.resource === "preflight");
    assert.ok(preflight?.kind === "noop", "no preflight line");
    assert.match(
      preflight.reason,
      new RegExp(
        `^Red Hat Enterprise Linux 9\\.3 \\(Plow\\), kernel .*: Docker's repository ${root}/linux/rhel$`,
      ),
    );
    const repo = await hostExec(HOST, "cat /etc/yum.repos.d/docker-ce.repo");
    assert.ok(repo.includes(`baseurl=${root}/linux/rhel/9/$basearch/stable\n`), repo);
    assert.equal((await hostExec(HOST, "systemctl is-active docker")).trim(), "active");
    // The only docker-ce source the host has is that file: the engine came from the linux/rhel tree.
    assert.match(await hostExec(HOST, "rpm -q docker-ce"), /^docker-ce-/);
  });

  it("presenting as Amazon Linux 2023 or Linux Mint 21.3: preflight refuses it by what it said, and nothing runs", async () => {
    for (const [fixture, said] of [
      [
        "amzn-2023",
        /^Amazon Linux 2023 \(ID=amzn, VERSION_ID=2023, ID_LIKE="fedora"\) is not supported: Docker publishes no docker-ce repository for Amazon Linux/,
      ],
      [
        "linuxmint-21",
        /^Linux Mint 21\.3 \(ID=linuxmint, VERSION_ID=21\.3, ID_LIKE="ubuntu debian"\) is not supported/,
      ],
    ] as const) {
      await presentAs(fixture);
      const result = await ops(["run", "install-engine", "-i", inventory, "--output", "json"]);
      assert.notEqual(result.code, 0, fixture);
      assert.equal(summaries(result)[HOST]?.status, "failed", fixture);
      assert.match(failures(result, HOST).join("\n"), said);
      assert.ok(!result.events.some((e) => e.kind === "step-ran"), `${fixture}: a step ran`);
    }
  });
});
