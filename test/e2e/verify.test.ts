// End to end: `ops verify` (the built CLI) against the lab's el9 hosts. Proves every check passes
// after install-engine, that breaking one thing at a time fails the right check with a clear message
// while the rest pass, that an unreachable host is reported as such, and that nothing verify creates
// is left on a host afterwards. Run it under `flock /tmp/ops-lab.lock` (the lab is shared).
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { $ } from "zx";
import { labAddress } from "../lab/config.js";
import {
  hostExec,
  hostExecResult,
  labUp,
  readLab,
  recreateHost,
  type LabHost,
  type LabInfo,
} from "../lab/lab.js";
import type { CheckOutcome } from "../../src/checks/check.js";
import type { OpsEvent } from "../../src/events.js";

$.verbose = false;
$.quiet = true;

/** What verify said of one host: passed when every check passed. */
interface HostVerdict {
  host: string;
  status: "passed" | "failed" | "unreachable";
  checks: CheckOutcome[];
  commands: number;
  error?: { message: string; hint?: string };
}

/** The run as one report, read from the JSON event lines' final run-done event. */
interface VerifyReport {
  ms: number;
  hosts: HostVerdict[];
}

interface Verified {
  code: number;
  report: VerifyReport;
  ms: number;
  stderr: string;
}

function reportOf(stdout: string): VerifyReport {
  const events = stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as OpsEvent);
  const done = events.find((e) => e.kind === "run-done");
  assert.ok(done && done.kind === "run-done", `verify printed no run-done event:\n${stdout.slice(-2000)}`);
  return {
    ms: done.ms,
    hosts: done.hosts.map((h) => ({
      host: h.host,
      status:
        h.status === "unreachable"
          ? "unreachable"
          : h.status === "ok" && h.checks.every((c) => c.status === "pass")
            ? "passed"
            : "failed",
      checks: h.checks,
      commands: h.commands,
      ...(h.error ? { error: h.error } : {}),
    })),
  };
}

/** What verify could leave on a host: containers, volumes, temp paths, images. */
async function leftovers(host: LabHost): Promise<string> {
  return hostExec(
    host.name,
    "docker ps -a --format '{{.Names}}' | grep ops-verify; docker volume ls -q | grep -v '^[0-9a-f]\\{64\\}$' | grep ops-verify; " +
      "ls -d /tmp/ops-verify* 2>/dev/null; docker volume ls -q --filter dangling=true; true",
  );
}

const statusOf = (report: VerifyReport, host: string) =>
  Object.fromEntries((report.hosts.find((h) => h.host === host)?.checks ?? []).map((c) => [c.id, c.status]));

describe("ops verify (lab)", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let hosts: LabHost[];
  let images: Map<string, string>;

  async function verify(args: string[] = [], inventory = lab.inventoryFile): Promise<Verified> {
    const t0 = Date.now();
    const r =
      await $`node bin/ops.js verify --inventory ${inventory} --known-hosts ${lab.knownHostsFile} --output json ${args}`.nothrow();
    const ms = Date.now() - t0;
    assert.ok(r.stdout.trim().startsWith("{"), `verify printed no report: ${r.stderr}`);
    return { code: r.exitCode ?? -1, report: reportOf(r.stdout), ms, stderr: r.stderr };
  }

  async function assertNothingLeft(): Promise<void> {
    for (const h of hosts) {
      assert.equal((await leftovers(h)).trim(), "", `${h.name} has leftovers`);
      assert.equal(
        await hostExec(h.name, "docker images -q | sort"),
        images.get(h.name),
        `${h.name}: images changed`,
      );
    }
  }

  before(async () => {
    await labUp({ el9: 3 });
    // Fresh hosts: earlier test files leave their own configuration behind.
    for (const h of readLab().hosts) await recreateHost(h.name);
    lab = readLab();
    hosts = lab.hosts; // every lab host, el9 and debian12: install-engine and verify cover both families
    assert.ok(hosts.length >= 3, "the lab has three el9 hosts");
    await $`npm run build`;
    const install =
      await $`node bin/ops.js run install-engine --inventory ${lab.inventoryFile} --known-hosts ${lab.knownHostsFile} --output json`.nothrow();
    assert.equal(
      install.exitCode,
      0,
      `install-engine failed: ${install.stdout.slice(-2000)}${install.stderr}`,
    );
    images = new Map();
    for (const h of hosts) images.set(h.name, await hostExec(h.name, "docker images -q | sort"));
  });

  it("passes every check on every host, in parallel, and leaves nothing behind", async () => {
    const { code, report, ms } = await verify();
    for (const h of report.hosts) {
      const bad = h.checks.filter((c) => c.status !== "pass").map((c) => `${c.id}: ${c.message}`);
      assert.deepEqual(bad, [], `${h.host}`);
      assert.equal(h.commands, 1, "one round trip per host");
    }
    assert.equal(report.hosts.length, hosts.length);
    assert.equal(code, 0);
    console.log(`      verify of ${hosts.length} hosts in parallel: ${ms} ms wall (report: ${report.ms} ms)`);
    await assertNothingLeft();
  });

  it("a stopped engine fails engine.active and engine.info on that host only", async () => {
    const [down, ...others] = hosts;
    await hostExec(down!.name, "systemctl stop docker docker.socket");
    try {
      const { code, report } = await verify();
      const s = statusOf(report, down!.name);
      assert.equal(s["engine.active"], "fail");
      assert.equal(s["engine.info"], "fail");
      assert.equal(s["engine.enabled"], "pass");
      assert.equal(s["image.pull"], "error");
      const active = report.hosts
        .find((h) => h.host === down!.name)
        ?.checks.find((c) => c.id === "engine.active");
      assert.match(active?.message ?? "", /docker.service is inactive \(expected active\)/);
      for (const o of others) assert.equal(report.hosts.find((h) => h.host === o.name)?.status, "passed");
      assert.equal(code, 2);
    } finally {
      await hostExec(down!.name, "systemctl start docker.socket docker");
    }
    await assertNothingLeft();
  });

  it("a mirror missing from daemon.json fails config.registry-mirrors, expected beside actual", async () => {
    const host = hosts[1]!;
    const file = "/etc/docker/daemon.json";
    await hostExec(host.name, `cp ${file} /root/daemon.json.verify-test`);
    await hostExec(
      host.name,
      `python3 -c 'import json; d=json.load(open("${file}")); d.pop("registry-mirrors", None); json.dump(d, open("${file}", "w"))' && systemctl restart docker`,
    );
    try {
      const { code, report } = await verify();
      const checks = report.hosts.find((h) => h.host === host.name)?.checks ?? [];
      const mirrors = checks.find((c) => c.id === "config.registry-mirrors");
      assert.equal(mirrors?.status, "fail");
      assert.match(mirrors?.message ?? "", /missing http:\/\/172\.28\.213\.4:5000|missing http/);
      assert.equal(mirrors?.expected, lab.mirrorUrl);
      assert.equal(mirrors?.actual, "(none)");
      for (const id of [
        "engine.active",
        "engine.enabled",
        "engine.info",
        "engine.versions",
        "config.insecure-registries",
      ])
        assert.equal(checks.find((c) => c.id === id)?.status, "pass", id);
      for (const o of hosts.filter((h) => h !== host))
        assert.equal(report.hosts.find((h) => h.host === o.name)?.status, "passed");
      assert.equal(code, 2);
    } finally {
      await hostExec(host.name, `mv /root/daemon.json.verify-test ${file} && systemctl restart docker`);
    }
    await assertNothingLeft();
  });

  it("an image that cannot be pulled fails image.pull and no container check pretends to pass", async () => {
    const { code, report } = await verify(["-e", "verify_image=nonexistent/image"]);
    for (const h of report.hosts) {
      const s = statusOf(report, h.host);
      assert.equal(s["image.pull"], "fail");
      assert.equal(s["engine.info"], "pass");
      assert.equal(s["config.registry-mirrors"], "pass");
      for (const id of ["network.bridge", "network.none", "volume.named", "volume.bind"])
        assert.equal(s[id], "error");
      const pull = h.checks.find((c) => c.id === "image.pull");
      assert.match(pull?.message ?? "", /nonexistent\/image did not pull/);
    }
    assert.equal(code, 2);
    await assertNothingLeft();
  });

  it("a docker_version pin in each family's spelling holds on the lab's 20.10.24+dfsg1 engines; another pin fails engine.versions only", async () => {
    // The lab's packages repackage Debian's docker.io, whose daemon reports 20.10.24+dfsg1.
    const inv = parse(readFileSync(lab.inventoryFile, "utf8")) as {
      all: { children: Record<string, { vars?: Record<string, unknown> }> };
    };
    const pins: Record<string, string> = {
      el9: "20.10.24-1.el9",
      debian12: "5:20.10.24-1~debian.12~bookworm",
    };
    for (const [group, pin] of Object.entries(pins)) {
      const g = inv.all.children[group];
      assert.ok(g, `the lab inventory has no ${group} group`);
      g.vars = { ...g.vars, docker_version: pin };
    }
    const file = join(mkdtempSync(join(tmpdir(), "ops-verify-e2e-")), "hosts.yaml");
    writeFileSync(file, stringify(inv));
    // The pinned run is a no-op (the installed packages are the pin), and its checks pass on every host.
    const r =
      await $`node bin/ops.js run install-engine --verify --inventory ${file} --known-hosts ${lab.knownHostsFile} --output json`.nothrow();
    const pinned = reportOf(r.stdout);
    assert.equal(r.exitCode, 0, r.stdout.slice(-2000));
    assert.equal(pinned.hosts.length, hosts.length);
    for (const h of pinned.hosts) {
      assert.equal(h.status, "passed", h.host);
      assert.equal(h.commands, 2, `${h.host}: the no-op probe, then the checks`);
      const versions = h.checks.find((c) => c.id === "engine.versions");
      assert.match(versions?.message ?? "", /server 20\.10\.24\+dfsg1$/, h.host);
    }
    // A pin the engines are not: engine.versions fails on every host, naming both, and nothing else does.
    const other = await verify(["-e", "docker_version=20.10.23"], file);
    for (const h of other.report.hosts) {
      const bad = h.checks.filter((c) => c.status !== "pass");
      assert.deepEqual(
        bad.map((c) => c.id),
        ["engine.versions"],
        h.host,
      );
      assert.equal(bad[0]?.expected, "20.10.23", h.host);
      assert.equal(bad[0]?.actual, "20.10.24+dfsg1", h.host);
    }
    assert.equal(other.code, 2);
    await assertNothingLeft();
  });

  it("an unreachable host is reported as such while the others pass", async () => {
    const inv = parse(readFileSync(lab.inventoryFile, "utf8")) as {
      all: { children: { el9: { hosts: Record<string, { ansible_host: string }> } } };
    };
    inv.all.children.el9.hosts.ghost = { ansible_host: labAddress(250) };
    const file = join(mkdtempSync(join(tmpdir(), "ops-verify-e2e-")), "hosts.yaml");
    writeFileSync(file, stringify(inv));
    const { code, report } = await verify([], file);
    const ghost = report.hosts.find((h) => h.host === "ghost");
    assert.equal(ghost?.status, "unreachable");
    assert.ok(ghost?.error?.message, "says why");
    for (const h of hosts) assert.equal(report.hosts.find((r) => r.host === h.name)?.status, "passed");
    assert.equal(code, 2);
    const junit =
      await $`node bin/ops.js verify --inventory ${file} --known-hosts ${lab.knownHostsFile} --output junit --limit ghost`.nothrow();
    assert.match(junit.stdout, /<testsuite name="ghost" tests="1" failures="0" errors="1"/);
  });

  it("ops run --verify judges the checks on the state the run left, in one more round trip", async () => {
    const r =
      await $`node bin/ops.js run install-engine --verify --inventory ${lab.inventoryFile} --known-hosts ${lab.knownHostsFile} --output json`.nothrow();
    const report = reportOf(r.stdout);
    assert.equal(r.exitCode, 0, r.stdout.slice(-2000));
    for (const h of report.hosts) {
      assert.equal(h.status, "passed", h.host);
      assert.equal(h.checks.length, 14);
      assert.equal(h.commands, 2, "the no-op probe, then the checks");
    }
    await assertNothingLeft();
  });

  it("a mirror written in mixed case converges in one run, then is a no-op, then passes verify", async () => {
    const host = hosts[2]!;
    // A name for the lab's mirror, so its host part can have capitals (dockerd reports it lower-cased).
    await hostExec(
      host.name,
      `grep -q Mirror.Lab /etc/hosts || echo '${lab.mirrorUrl.replace(/^https?:\/\//, "").split(":")[0]} Mirror.Lab' >> /etc/hosts`,
    );
    const mixed = JSON.stringify({ registry_mirrors: ["http://Mirror.Lab:5000"] });
    const run = () =>
      $`node bin/ops.js run install-engine --inventory ${lab.inventoryFile} --known-hosts ${lab.knownHostsFile} --limit ${host.name} -e ${mixed} --output json`.nothrow();
    try {
      const first = await run();
      assert.equal(first.exitCode, 0, first.stdout.slice(-2000));
      const second = await run();
      const done = reportOf(second.stdout).hosts[0];
      assert.equal(second.exitCode, 0);
      assert.equal(done?.commands, 1, "the second run is a one-command no-op");
      const { code, report } = await verify(["--limit", host.name, "-e", mixed]);
      const mirrors = report.hosts[0]?.checks.find((c) => c.id === "config.registry-mirrors");
      assert.equal(mirrors?.status, "pass", mirrors?.message);
      assert.equal(code, 0);
    } finally {
      const back =
        await $`node bin/ops.js run install-engine --inventory ${lab.inventoryFile} --known-hosts ${lab.knownHostsFile} --limit ${host.name} --output json`.nothrow();
      assert.equal(back.exitCode, 0, back.stdout.slice(-1000));
    }
    await assertNothingLeft();
  });

  it("Ctrl-C mid-run removes what the run created", async () => {
    const child =
      $`node bin/ops.js verify --inventory ${lab.inventoryFile} --known-hosts ${lab.knownHostsFile}`.nothrow();
    // Wait until a container of the run exists on the first host, then interrupt.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const r = await hostExecResult(hosts[0]!.name, "docker ps -aq --filter name=ops-verify-");
      if (r.stdout.trim() !== "") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    await child.kill("SIGINT");
    const r = await child;
    assert.equal(r.exitCode, 130, r.stderr);
    await assertNothingLeft();
  });
});
