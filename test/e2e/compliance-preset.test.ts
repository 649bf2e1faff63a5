// End to end, on one lab host installed with install-engine's `docker_cis_profile: level1` (its
// userland proxy off: published ports by hairpin NAT) and an insecure registry the inventory asks
// for: every level-1 check passes (the lab's auditd waivers aside) but
// 2.5, which `--waive-configured` waives naming the variable; `ops verify` still passes with icc off;
// a `containers:` waiver covers only the containers it names; and daemon settings and files broken
// by hand fail exactly their section 2 and 3 checks. Run it under `flock /tmp/ops-lab.lock` after
// `npm run build`.
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { CIS_LEVEL1_DAEMON, CIS_LEVEL1_NOFILE } from "../../playbooks/install-engine.daemon.js";
import { hostExec, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { CLEAN_CONTAINER, LAB_WAIVERS, runCheck } from "./helpers/compliance.js";
import { writeInventory } from "./helpers/inventory.js";
import { ops } from "./helpers/ops-cli.js";

const HOST = "el9-3";
const NET = "ops-e2e-net";
const DAEMON_JSON = "/etc/docker/daemon.json";
const LOG_OPTS = { "max-size": "20m", "max-file": "5" };
/** The preset turns the userland proxy off, which a lab host can do: 2.16 is judged, not waived. */
const PRESET_WAIVERS = LAB_WAIVERS.filter((w) => w.check !== "cis.2.16");

describe("ops check with the CIS level-1 preset (lab)", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  const work = mkdtempSync(join(tmpdir(), "ops-compliance-preset-e2e-"));
  let files = 0;
  const waiversFile = (extra: object[] = []) => {
    const file = join(work, `waivers-${++files}.yaml`);
    writeFileSync(file, stringify({ waivers: [...PRESET_WAIVERS, ...extra] }));
    return file;
  };
  const labWaivers = waiversFile();
  const check = (args: string[] = []) =>
    runCheck(inventory, lab, [
      "--no-history",
      ...(args.includes("--waivers") ? [] : ["--waivers", labWaivers]),
      ...args,
    ]);

  before(async () => {
    await labUp({ el9: 3 });
    await recreateHost(HOST);
    lab = readLab();
    const host = lab.hosts.find((h) => h.name === HOST);
    assert.ok(host);
    inventory = writeInventory(lab, [{ name: host.name, address: host.address }], {
      docker_cis_profile: "level1",
      // One key of the preset overridden (2.13 is CIS level 2, outside the default policy).
      docker_daemon_options: { "log-opts": LOG_OPTS },
      insecure_registries: [lab.hubRegistry],
    });
    const install = await ops(["run", "install-engine", "-i", inventory, "-o", "json"]);
    assert.equal(install.code, 0, install.stdout.slice(-2000) + install.stderr);
  });

  after(async () => {
    await recreateHost(HOST);
  });

  it("every level-1 check passes, does not apply or is waived by the lab; the inventory's insecure registry fails 2.5", async () => {
    const written = JSON.parse(await hostExec(HOST, `cat ${DAEMON_JSON}`)) as Record<string, unknown>;
    // nofile within the host's hard limit for containers (a lab host shares the machine's kernel:
    // its fs.nr_open is read-only there, and above the preset's 16384).
    const limit = Number((await hostExec(HOST, "cat /proc/sys/fs/nr_open")).trim());
    const n = Math.min(CIS_LEVEL1_NOFILE, limit);
    const want = {
      ...CIS_LEVEL1_DAEMON,
      "default-ulimits": { nofile: { Name: "nofile", Soft: n, Hard: n } },
    };
    for (const [key, value] of Object.entries(want))
      if (key !== "log-opts") assert.deepEqual(written[key], value, key);
    assert.deepEqual(written["log-opts"], LOG_OPTS, "docker_daemon_options overrides the preset");
    assert.equal(written["userland-proxy"], false, "the preset's userland proxy is off (hairpin NAT)");

    const c = await check();
    assert.equal(c.hosts[HOST]?.commands, 1, "one round trip");
    assert.deepEqual(c.failing(HOST), ["cis.2.5"], c.result.stderr);
    assert.deepEqual(c.outcome(HOST, "cis.2.5")?.subjects, [lab.hubRegistry]);
    const cis = (c.hosts[HOST]?.checks ?? []).filter((o) => o.id.startsWith("cis."));
    assert.ok(
      cis.every((o) => o.labels?.level === "1"),
      "the default policy is level 1",
    );
    const na = cis.filter((o) => o.status === "not-applicable").map((o) => o.id);
    const tls = ["cis.3.9", "cis.3.10", "cis.3.11", "cis.3.12", "cis.3.13", "cis.3.14"];
    assert.deepEqual(na.sort(), ["cis.2.7", ...tls, "cis.3.7", "cis.3.8", "cis.5.2"].sort());
    const waived = cis.filter((o) => o.waived).map((o) => o.id);
    assert.deepEqual(waived.sort(), PRESET_WAIVERS.map((w) => w.check).sort());
    for (const id of [
      "cis.2.2",
      "cis.2.3",
      "cis.2.4",
      "cis.2.6",
      "cis.2.14",
      "cis.2.15",
      "cis.2.16",
      "cis.2.18",
      "cis.3.23",
      "cis.3.24",
      "cis.4.6",
      "cis.5.1",
    ])
      assert.equal(c.outcome(HOST, id)?.status, "pass", id);
    assert.equal(c.code, 3);
  });

  it("--waive-configured: 2.5 is waived, its justification naming insecure_registries; exit 0", async () => {
    const c = await check(["--waive-configured"]);
    assert.deepEqual(c.failing(HOST), [], c.result.stderr);
    const o = c.outcome(HOST, "cis.2.5");
    assert.equal(o?.status, "fail", "the verdict is the benchmark's");
    assert.match(
      o?.waived?.justification ?? "",
      new RegExp(`insecure_registries = ${lab.hubRegistry.replace(/\./g, "\\.")}`),
    );
    assert.equal(c.code, 0);
  });

  it("ops verify (chapters 7 and 8) passes with the preset: icc off on the default bridge", async () => {
    const v = await ops(["verify", "-i", inventory, "-o", "json"]);
    assert.equal(v.code, 0, v.stdout.slice(-3000) + v.stderr);
  });

  it("a containers: waiver waives 4.1 only for the containers it names", async () => {
    const root = CLEAN_CONTAINER.replace("--user 1000:1000", "");
    await hostExec(
      HOST,
      [
        "docker pull -q busybox >/dev/null",
        `docker network create ${NET} >/dev/null`,
        `docker run -d --name ops-e2e-legacy ${root} busybox sleep 900 >/dev/null`,
        `docker run -d --name ops-e2e-other ${root} busybox sleep 900 >/dev/null`,
      ].join(" && "),
    );
    const waivers = waiversFile([
      {
        check: "cis.4.1",
        containers: "ops-e2e-legacy*",
        justification: "the legacy image needs root until it is rebuilt",
        expires: "2099-12-31",
      },
      { check: "cis.4.6", justification: "the lab's busybox has no HEALTHCHECK", expires: "2099-12-31" },
    ]);
    const both = await check(["--waivers", waivers, "--waive-configured"]);
    assert.deepEqual(both.failing(HOST), ["cis.4.1"], both.result.stderr);
    assert.deepEqual(both.outcome(HOST, "cis.4.1")?.subjects?.slice().sort(), [
      "ops-e2e-legacy",
      "ops-e2e-other",
    ]);
    assert.match(
      both.outcome(HOST, "cis.4.1")?.message ?? "",
      /covers containers ops-e2e-legacy\*, not ops-e2e-other/,
    );
    await hostExec(HOST, "docker rm -f ops-e2e-other >/dev/null");
    const one = await check(["--waivers", waivers, "--waive-configured"]);
    assert.deepEqual(one.failing(HOST), [], one.result.stderr);
    assert.match(one.outcome(HOST, "cis.4.1")?.waived?.justification ?? "", /legacy image/);
    assert.equal(one.code, 0);
    await hostExec(HOST, `docker rm -f ops-e2e-legacy >/dev/null && docker network rm ${NET} >/dev/null`);
  });

  it("daemon settings and files broken by hand fail exactly their checks: 2.3, 2.18, 3.10, 3.21, 3.22, 3.24", async () => {
    const edit = (code: string) =>
      `python3 -c 'import json; p="${DAEMON_JSON}"; d=json.load(open(p)); ${code}; json.dump(d, open(p, "w"), indent=2)'`;
    await hostExec(
      HOST,
      [
        // Experimental features need a restart; the rest is read from the files as they are.
        edit('d["experimental"] = True; d["log-level"] = "debug"'),
        "systemctl restart docker",
        "for i in $(seq 1 50); do docker info >/dev/null 2>&1 && break; sleep 0.2; done",
        edit('d["tlscacert"] = "/etc/docker/tls/ca.pem"'),
        "mkdir -p /etc/docker/tls && echo ca > /etc/docker/tls/ca.pem && chmod 0644 /etc/docker/tls/ca.pem",
        "chmod 0666 /run/containerd/containerd.sock",
        "mkdir -p /etc/sysconfig && echo 'OPTIONS=' > /etc/sysconfig/docker && chown nobody /etc/sysconfig/docker && chmod 0666 /etc/sysconfig/docker",
      ].join(" && "),
    );
    // 3.21 and 3.22 are CIS level 2: included.
    const policy = join(work, "policy.yaml");
    writeFileSync(policy, stringify({ include: ["cis.3.21", "cis.3.22"] }));
    // The busybox the containers test pulled has no HEALTHCHECK (4.6, proven there).
    const waivers = waiversFile([
      { check: "cis.4.6", justification: "the lab's busybox has no HEALTHCHECK", expires: "2099-12-31" },
    ]);
    const c = await check(["--policy", policy, "--waive-configured", "--waivers", waivers]);
    const failing = c.failing(HOST).filter((id) => id.startsWith("cis."));
    assert.deepEqual(
      failing.sort(),
      ["cis.2.18", "cis.2.3", "cis.3.10", "cis.3.21", "cis.3.22", "cis.3.24"].sort(),
      c.result.stderr,
    );
    assert.match(c.outcome(HOST, "cis.3.10")?.message ?? "", /\/etc\/docker\/tls\/ca\.pem is 0644/);
    assert.equal(c.outcome(HOST, "cis.3.9")?.status, "pass", "root owns the CA file");
    assert.equal(c.outcome(HOST, "cis.3.11")?.status, "not-applicable", "no server certificate, TLS off");
    assert.match(c.outcome(HOST, "cis.3.22")?.actual ?? "", /^nobody:root \/etc\/sysconfig\/docker/);
    assert.equal(c.outcome(HOST, "cis.2.18")?.actual, "ExperimentalBuild true");
    assert.match(c.outcome(HOST, "cis.2.3")?.actual ?? "", /debug/);
    assert.equal(c.code, 3);
  });
});
