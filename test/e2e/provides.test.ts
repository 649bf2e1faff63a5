/**
 * install-engine against a vendor-style repo (the lab's /vendor tree): ONE docker-ce RPM that
 * Provides: docker-ce-cli, containerd.io, docker-buildx-plugin and docker-compose-plugin. Queried by
 * package name, those four would read as missing on every run, so every "no-op" would run dnf again
 * and report changed; queried by capability, the second run is one command that changes nothing.
 * Run under the lab lock: flock /tmp/ops-lab.lock npx mocha --timeout 900000 test/e2e/provides.test.ts
 */
import assert from "node:assert/strict";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { writeInventory } from "./helpers/inventory.js";
import { failures, ops, summaries, type OpsResult } from "./helpers/ops-cli.js";
import { engineConfig } from "./helpers/host-state.js";

const HOST = "el9-1";
const PROVIDED = ["docker-ce-cli", "containerd.io", "docker-buildx-plugin", "docker-compose-plugin"];

/** The no-op reason of the packages resource on the host. */
function packagesReason(result: OpsResult): string {
  const e = result.events.find((x) => x.kind === "noop" && x.resource.startsWith("packages:"));
  return e?.kind === "noop" ? e.reason : "";
}

describe("install-engine with a repo whose docker-ce provides the other packages", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  const run = (...args: string[]) =>
    ops(["run", "install-engine", "-i", inventory, "-l", HOST, "--output", "json", ...args]);

  before(async () => {
    lab = await labUp();
    await recreateHost(HOST);
    const host = readLab().hosts.find((h) => h.name === HOST);
    assert.ok(host, `the lab has no ${HOST}`);
    assert.ok(lab.vendorRepoUrl, "the lab serves no vendor repo");
    inventory = writeInventory(readLab(), [{ name: HOST, address: host.address }], {
      docker_repo_url: lab.vendorRepoUrl,
    });
  });

  it("converges: the vendor docker-ce alone is installed, and the engine it ships runs", async () => {
    const result = await run();
    assert.equal(result.code, 0, failures(result, HOST).join("; ") + result.stderr);
    assert.equal(summaries(result)[HOST]?.status, "changed");
    assert.match(await hostExec(HOST, "rpm -q docker-ce"), /^docker-ce-20\.10\.24-1\.vendor\.el9\./);
    for (const name of PROVIDED) {
      // No package of that name: the vendor docker-ce is what satisfies it.
      assert.notEqual((await hostExecResult(HOST, `rpm -q ${name}`)).exitCode, 0, `${name} is a package`);
      assert.match(await hostExec(HOST, `rpm -q --whatprovides ${name}`), /^docker-ce-20\.10\.24-1\.vendor/);
    }
    const cfg = await engineConfig(HOST);
    assert.equal(cfg.active, "active");
    assert.equal(cfg.enabled, "enabled");
    assert.match(await hostExec(HOST, "docker compose version"), /2\.26\.1/);
  });

  it("the second run is a one-command no-op with 0 changed, and says what provides what", async () => {
    const result = await run();
    assert.equal(result.code, 0, failures(result, HOST).join("; "));
    const summary = summaries(result)[HOST];
    assert.equal(summary?.status, "ok");
    assert.equal(summary?.changed, 0);
    assert.equal(summary?.commands, 1, "more than the fact probe was sent");
    assert.ok(!result.events.some((e) => e.kind === "step-ran" || e.kind === "handler-ran"));
    assert.equal(
      packagesReason(result),
      `docker-ce, ${PROVIDED.join(", ")} are installed (docker-ce 20.10.24; ${PROVIDED.join(", ")} provided by docker-ce)`,
    );
  });

  it("a version pin the vendor docker-ce satisfies is a one-command no-op too", async () => {
    const result = await run("-e", "docker_version=20.10.24");
    assert.equal(result.code, 0, failures(result, HOST).join("; "));
    assert.equal(summaries(result)[HOST]?.changed, 0);
    assert.equal(summaries(result)[HOST]?.commands, 1);
  });
});
