/** The informational commands through the real CLI: they answer without connecting to any host. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ops } from "./helpers/ops-cli.js";

const LAB = "test/fixtures/inventory/lab/hosts.yaml";

describe("ops CLI: informational commands", function () {
  this.timeout(30_000);

  it("--version prints the package version", async () => {
    const r = await ops(["--version"]);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });

  it("--help lists the commands and the exit codes; each command has its own --help", async () => {
    const r = await ops(["--help"]);
    assert.equal(r.code, 0);
    for (const word of ["run", "verify", "playbooks", "inventory", "Exit codes", "drift"])
      assert.ok(r.stdout.includes(word), word);
    const run = await ops(["run", "--help"]);
    for (const flag of [
      "--inventory",
      "--limit",
      "--extra-vars",
      "--check",
      "--diff",
      "--forks",
      "--output",
      "--yes",
    ]) {
      assert.ok(run.stdout.includes(flag), flag);
    }
  });

  it("playbooks lists install-engine with every variable and its default", async () => {
    const r = await ops(["playbooks"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^install-engine$/m);
    for (const v of [
      "docker_mirror",
      "docker_repo_url",
      "docker_repo_gpgkey",
      "docker_repo_gpg_fingerprint",
      "docker_version",
      "docker_packages",
      "docker_remove_conflicts",
      "registry_mirrors",
      "insecure_registries",
      "docker_daemon_options",
      "docker_users",
    ]) {
      assert.match(r.stdout, new RegExp(`^    ${v} \\(`, "m"), v);
    }
    assert.match(
      r.stdout,
      /docker_repo_gpg_fingerprint \(string, default "060A61C51B558A7F742B77AAC52FEB6B621E9F35"\)/,
    );
  });

  it("inventory list shows each host (after --limit) with its address, user, become and groups", async () => {
    const r = await ops(["inventory", "list", "-i", LAB, "--limit", "el9", "--output", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as {
      name: string;
      address: string;
      port: number;
      user: string;
      groups: string[];
    }[];
    assert.deepEqual(
      rows.map((x) => x.name),
      ["el9-1", "el9-2"],
    );
    assert.equal(rows[1]?.address, "192.0.2.92");
  });

  it("inventory check validates structure and variables without connecting", async () => {
    const r = await ops(["inventory", "check", "-i", LAB]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok, 4 host\(s\)/);
    const bad = await ops(["inventory", "check", "-i", LAB, "-e", "docker_mirorr=tuna"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /unknown variable 'docker_mirorr'/);
  });
});
