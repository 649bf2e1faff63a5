/**
 * The local transport for real: install-engine on this machine (Debian 12) through
 * `ansible_connection: local`. The one fact probe reads this machine (preflight names it), and the
 * signing key it cannot fetch stops the run before any change. The repo URL is a file:// path that does
 * not exist, so the probe's key fetch never leaves the machine and nothing can be installed here.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failures, ops, summaries } from "./helpers/ops-cli.js";

describe("local transport", function () {
  this.timeout(60_000);

  it("runs the fact probe on this machine; a key it cannot fetch stops the run, changing nothing", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ops-local-")), "hosts.yaml");
    writeFileSync(
      file,
      "all:\n  hosts:\n    controller:\n      ansible_connection: local\n  vars:\n    docker_repo_url: file:///nonexistent/docker-ce\n",
    );
    const result = await ops(["run", "install-engine", "-i", file, "--output", "json"]);
    assert.equal(result.code, 2, result.stderr);
    const summary = summaries(result).controller;
    assert.equal(summary?.status, "failed");
    assert.equal(summary?.commands, 1, "more than the fact probe ran");
    const plan = summary?.plan ?? [];
    assert.match(plan.find((p) => p.resource === "preflight")?.reason ?? "", /Debian/, JSON.stringify(plan));
    assert.match(
      failures(result, "controller").join("\n"),
      /could not fetch the key at file:\/\/\/nonexistent/,
    );
    assert.ok(!result.events.some((e) => e.kind === "step-ran"));
    assert.equal(existsSync("/etc/yum.repos.d/docker-ce.repo"), false);
    assert.equal(existsSync("/etc/apt/sources.list.d/docker-ce.sources"), false);
  });
});
