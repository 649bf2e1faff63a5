// End to end: `ops check` (the built CLI) on the lab's el9 hosts, hardened by install-engine. Proves
// every check of the default policy passes (or does not apply), that each thing broken by hand on
// one host fails exactly its check there with evidence, waivers, history in SQLite and PostgreSQL,
// the HTML report in headless Chromium, and the schedule on a real systemd with notifications.
// Run it under `flock /tmp/ops-lab.lock` (the lab is shared) after `npm run build`.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import type { HistoryReport, RunDiff } from "../../src/compliance/history/analysis.js";
import { hostExec, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { renderPage } from "./helpers/chromium.js";
import {
  convergeHardened,
  hardenedInventory,
  CLEAN_CONTAINER,
  LAB_WAIVERS,
  runCheck,
  type Checked,
} from "./helpers/compliance.js";
import { installOps } from "./helpers/control-machine.js";
import { startNotifyServer, type NotifyServer } from "./helpers/notify-server.js";
import { ops } from "./helpers/ops-cli.js";
import { startPostgres, type TestPostgres } from "../helpers/postgres.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/compliance/inputs/", import.meta.url));
const DAEMON_JSON = "/etc/docker/daemon.json";
const DRIFT_DAEMON_JSON = "drift.daemon-json:/etc/docker/daemon.json";
/** Edits daemon.json on a host with python3 (a lab host has it for dnf). */
const editDaemonJson = (code: string) =>
  `python3 -c 'import json; p="${DAEMON_JSON}"; d=json.load(open(p)); ${code}; json.dump(d, open(p, "w"), indent=2)'`;

const BIN = fileURLToPath(new URL("../../bin/ops.js", import.meta.url));
/** `ops check history|diff -o json`: pretty-printed JSON, read whole (not as event lines). */
function opsJson<T>(args: readonly string[]): T {
  return JSON.parse(execFileSync(process.execPath, [BIN, ...args, "-o", "json"], { encoding: "utf8" })) as T;
}
/** The text `ops` prints. */
const opsText = (args: readonly string[]): string =>
  execFileSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

describe("ops check (lab)", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  const work = mkdtempSync(join(tmpdir(), "ops-compliance-e2e-"));
  const history = join(work, "history.sqlite");
  const target = "el9-2";

  const labWaivers = join(work, "lab-waivers.yaml");
  writeFileSync(labWaivers, stringify({ waivers: LAB_WAIVERS }));
  // daemon.json's ownership and mode (3.17, 3.18) are CIS level 2: included to prove the mode bits.
  // Images' HEALTHCHECK (4.6) is left out: the target pulls busybox, which has none (4.6 is proven
  // in compliance-containers.test.ts).
  const labPolicy = join(work, "lab-policy.yaml");
  writeFileSync(labPolicy, stringify({ include: ["cis.3.17", "cis.3.18"], exclude: ["cis.4.6"] }));
  /** A check of all three hosts, kept in the test's SQLite history, with the lab's policy and waivers. */
  const check = (args: string[] = []) =>
    runCheck(inventory, lab, [
      "--history",
      history,
      ...(args.includes("--waivers") ? [] : ["--waivers", labWaivers]),
      ...(args.includes("--policy") ? [] : ["--policy", labPolicy]),
      ...args,
    ]);

  /** Exactly these checks fail on `target`, and nothing fails on the other hosts. */
  function assertOnly(c: Checked, failing: string[]): void {
    for (const h of lab.hosts) {
      const want = h.name === target ? [...failing].sort() : [];
      assert.deepEqual(c.failing(h.name).sort(), want, `${h.name}: ${c.result.stderr}`);
      assert.equal(c.hosts[h.name]?.commands, 1, `${h.name}: one round trip`);
    }
    for (const id of failing) {
      const o = c.outcome(target, id);
      assert.ok(
        o?.message && o.evidence.command && o.hint,
        `${id} says what, how it was seen, and what to do`,
      );
      assert.ok(o.expected !== undefined && o.actual !== undefined, `${id} shows expected beside actual`);
    }
    assert.equal(c.code, 3);
  }

  before(async () => {
    await labUp({ el9: 3 });
    // The el9 hosts: install-engine's EL path (a debian12 host may be up for the apt work).
    const all = readLab();
    lab = { ...all, hosts: all.hosts.filter((h) => h.kind === "el9") };
    for (const h of lab.hosts) await recreateHost(h.name);
    inventory = await convergeHardened(
      lab,
      lab.hosts.map((h) => h.name),
    );
    // busybox for the container scenario, through the lab's mirror.
    await hostExec(target, "docker pull -q busybox >/dev/null");
  });

  describe("after install-engine", () => {
    it("after install-engine, every check of the default policy passes or does not apply, in one round trip per host", async () => {
      const c = await check();
      for (const h of lab.hosts) {
        assert.deepEqual(c.failing(h.name), [], h.name);
        assert.equal(c.hosts[h.name]?.commands, 1);
        const checks = c.hosts[h.name]?.checks ?? [];
        const na = checks.filter((o) => o.status === "not-applicable").map((o) => o.id);
        // Documented in docs/COMPLIANCE.md: no TCP socket and no TLS files, no registry certificates,
        // no AppArmor on a lab host.
        const tls = ["cis.3.9", "cis.3.10", "cis.3.11", "cis.3.12", "cis.3.13", "cis.3.14"];
        assert.deepEqual(na.sort(), ["cis.2.7", ...tls, "cis.3.7", "cis.3.8", "cis.5.2"].sort());
        const waived = checks.filter((o) => o.waived).map((o) => o.id);
        assert.deepEqual(
          waived.sort(),
          LAB_WAIVERS.map((w) => w.check).sort(),
          "no auditd; the userland proxy left at its default",
        );
        assert.ok(
          (c.hosts[h.name]?.checks ?? []).some((o) => o.id === DRIFT_DAEMON_JSON && o.status === "pass"),
        );
      }
      assert.equal(c.code, 0);
    });
  });

  describe("one thing broken by hand on one host fails exactly its check there", () => {
    it("a mirror removed from daemon.json: drift, the mirror expected beside none", async () => {
      await hostExec(
        target,
        `cp -p ${DAEMON_JSON} /root/daemon.json.e2e && ${editDaemonJson('d.pop("registry-mirrors")')}`,
      );
      try {
        const c = await check();
        assertOnly(c, [DRIFT_DAEMON_JSON]);
        assert.match(
          c.outcome(target, DRIFT_DAEMON_JSON)?.expected ?? "",
          /registry-mirrors: \["http:\/\/172\.28\.213\.4:5000"\]/,
        );
      } finally {
        await hostExec(target, `mv /root/daemon.json.e2e ${DAEMON_JSON}`);
      }
    });

    it("daemon.json mode 0666: cis.3.18, judged from stat's bits", async () => {
      await hostExec(target, `chmod 0666 ${DAEMON_JSON}`);
      try {
        const c = await check(["--report-dir", join(work, "reports")]);
        assertOnly(c, ["cis.3.18"]);
        const o = c.outcome(target, "cis.3.18");
        assert.equal(o?.evidence.source, "stat");
        assert.match(o?.message ?? "", /0022 is more than 0644 allows/);
      } finally {
        await hostExec(target, `chmod 0644 ${DAEMON_JSON}`);
      }
    });

    it("docker.sock readable by others: cis.3.16", async () => {
      await hostExec(target, "chmod o+r /run/docker.sock");
      try {
        const c = await check();
        assertOnly(c, ["cis.3.16"]);
        assert.match(c.outcome(target, "cis.3.16")?.actual ?? "", /^0664 \/run\/docker.sock$/);
      } finally {
        await hostExec(target, "chmod o-r /run/docker.sock");
      }
    });

    it("a privileged container started: cis.5.5", async () => {
      // The lab machine's bounding set lacks CAP_SYS_RESOURCE, so runc cannot give a privileged
      // container every capability: a runtime that drops that one runs it (lab only, see README).
      execFileSync("docker", [
        "cp",
        fileURLToPath(new URL("./fixtures/ops-lab-runc", import.meta.url)),
        `ops-lab-${target}:/usr/local/bin/ops-lab-runc`,
      ]);
      await hostExec(
        target,
        `cp -p ${DAEMON_JSON} /root/daemon.json.e2e && ${editDaemonJson('d["runtimes"] = {"ops-lab-runc": {"path": "/usr/local/bin/ops-lab-runc"}}')} && systemctl reload docker && sleep 1 && ` +
          `docker network create ops-e2e-net >/dev/null && docker run -d --name ops-e2e-privileged --runtime ops-lab-runc --privileged ${CLEAN_CONTAINER} busybox sleep 900 >/dev/null`,
      );
      try {
        assert.equal(
          (
            await hostExec(
              target,
              "docker inspect -f '{{.HostConfig.Privileged}} {{.State.Status}}' ops-e2e-privileged",
            )
          ).trim(),
          "true running",
        );
        const c = await check();
        assertOnly(c, ["cis.5.5"]);
        assert.match(
          c.outcome(target, "cis.5.5")?.message ?? "",
          /ops-e2e-privileged \([0-9a-f]{12}, busybox\): privileged/,
        );
      } finally {
        await hostExec(
          target,
          `docker rm -f ops-e2e-privileged >/dev/null; docker network rm ops-e2e-net >/dev/null; mv /root/daemon.json.e2e ${DAEMON_JSON} && systemctl reload docker && rm -f /usr/local/bin/ops-lab-runc`,
        );
      }
    });

    it("live-restore off: cis.2.15 from docker info, and drift (install-engine sets the key)", async () => {
      await hostExec(target, `${editDaemonJson('d["live-restore"] = False')} && systemctl reload docker`);
      try {
        const c = await check();
        assertOnly(c, ["cis.2.15", DRIFT_DAEMON_JSON]);
        assert.equal(c.outcome(target, "cis.2.15")?.evidence.source, "docker info");
      } finally {
        await hostExec(target, `${editDaemonJson('d["live-restore"] = True')} && systemctl reload docker`);
      }
    });

    it("an extra user in the docker group: cis.1.1.2", async () => {
      await hostExec(target, "useradd -M -s /sbin/nologin intruder && usermod -aG docker intruder");
      try {
        const c = await check();
        assertOnly(c, ["cis.1.1.2"]);
        assert.match(c.outcome(target, "cis.1.1.2")?.message ?? "", /intruder is in the docker group/);
      } finally {
        await hostExec(target, "gpasswd -d intruder docker >/dev/null; userdel intruder");
      }
    });

    it("an inspect that fails (the engine's answers cut by a curl wrapper first in PATH): every container check is an error, exit 2, never a pass", async () => {
      // The containers probe asks the engine's API over its socket with curl (the docker CLI only
      // without it): the list answers, every container's inspect fails.
      const wrapper = [
        "#!/bin/sh",
        'case "$*" in *"/containers/"*"/json"*) echo "curl: (7) inspect broken by the e2e test" >&2; exit 7 ;; esac',
        'exec /usr/bin/curl "$@"',
      ].join("\n");
      await hostExec(
        target,
        "docker run -d --name ops-e2e-inspect --memory 64m --restart on-failure:3 --health-cmd true busybox sleep 900 >/dev/null && " +
          `printf '%s\\n' '${wrapper}' > /usr/local/bin/curl && chmod 0755 /usr/local/bin/curl`,
      );
      try {
        assert.match(
          await hostExec(
            target,
            "curl -sS --unix-socket /var/run/docker.sock http://localhost/containers/x/json 2>&1 || true",
          ),
          /broken by the e2e test/,
        );
        const c = await check(["--no-history"]);
        assert.equal(c.code, 2, c.result.stderr);
        // Section 5's container checks; 5.1 (swarm mode) reads `docker info`, which the wrapper leaves alone.
        const section5 = (c.hosts[target]?.checks ?? []).filter(
          (o) => o.id.startsWith("cis.5.") && o.id !== "cis.5.1",
        );
        assert.ok(section5.length >= 6, section5.map((o) => o.id).join(" "));
        for (const o of section5) {
          assert.equal(o.status, "error", `${o.id}: ${o.status} ${o.message}`);
          assert.match(o.evidence.outputTail, /inspect broken by the e2e test/, o.id);
          assert.match(o.evidence.command, /docker inspect/, o.id);
        }
        for (const h of lab.hosts.filter((x) => x.name !== target))
          assert.deepEqual(c.failing(h.name), [], `${h.name} is judged as before`);
      } finally {
        await hostExec(target, "rm -f /usr/local/bin/curl; docker rm -f ops-e2e-inspect >/dev/null");
      }
    });
  });

  describe("history (SQLite)", () => {
    it("history (SQLite): newly failing and fixed since, and the difference of two runs", async () => {
      const runs = opsJson<{ id: string; startedAt: string }[]>([
        "check",
        "history",
        "--history",
        history,
        "--list-runs",
      ]);
      // Newest first: the baseline and the six scenarios above; run 3 broke daemon.json's mode, run 4 the socket.
      assert.equal(runs.length, 7);
      const mode = runs[4]!;
      const sock = runs[3]!;
      const d = opsJson<RunDiff>(["check", "diff", mode.id, sock.id, "--history", history]);
      assert.deepEqual(
        d.newlyFailing.map((i) => `${i.host} ${i.check}`),
        [`${target} cis.3.16`],
      );
      assert.deepEqual(
        d.fixed.map((i) => `${i.host} ${i.check}`),
        [`${target} cis.3.18`],
      );
      const report = opsJson<HistoryReport>(["check", "history", "--history", history, "--all"]);
      const item = (check: string) => report.items.find((i) => i.host === target && i.check === check);
      assert.equal(item("cis.3.18")?.change, "fixed");
      assert.equal(item("cis.3.18")?.sinceRun, sock.id, "fixed since the run after it failed");
      // The last scenario's run is the newest: its failure is newly failing, the one before it fixed.
      assert.equal(item("cis.1.1.2")?.change, "newly-failing");
      assert.equal(item("cis.2.15")?.change, "fixed");
      assert.equal(item("cis.2.15")?.sinceRun, runs[0]?.id);
      assert.equal(report.trend.length, 7);
      const text = opsText(["check", "history", "--history", history]);
      assert.match(text, new RegExp(`${target} +NEWLY FAILING +cis.1.1.2`));
      assert.match(text, new RegExp(`${target} +fixed since .* cis.2.15`));
    });
  });

  describe("waivers", () => {
    const waivers = (expires: string) => {
      const file = join(work, `waivers-${expires}.yaml`);
      writeFileSync(
        file,
        stringify({
          waivers: [
            ...LAB_WAIVERS,
            {
              check: "cis.3.18",
              hosts: target,
              justification: "a config agent on this host needs to read it (ticket OPS-1234)",
              expires,
            },
          ],
        }),
      );
      return file;
    };

    it("an active waiver turns the failure into waived: exit 0; past its expiry it fails again and says so", async () => {
      await hostExec(target, `chmod 0666 ${DAEMON_JSON}`);
      try {
        const active = await check(["--waivers", waivers("2099-12-31"), "--no-history"]);
        assert.equal(active.code, 0, active.result.stderr);
        assert.deepEqual(active.outcome(target, "cis.3.18")?.waived?.expires, "2099-12-31");
        assert.equal(active.outcome(target, "cis.3.18")?.status, "fail");
        const expired = await check(["--waivers", waivers("2020-01-31"), "--no-history"]);
        assert.equal(expired.code, 3);
        assert.deepEqual(expired.failing(target), ["cis.3.18"]);
        assert.match(expired.outcome(target, "cis.3.18")?.message ?? "", /waiver expired on 2020-01-31/);
      } finally {
        await hostExec(target, `chmod 0644 ${DAEMON_JSON}`);
      }
    });
  });

  describe("history in PostgreSQL (a server the test starts)", () => {
    let pg: TestPostgres | undefined;
    before(async () => {
      pg = await startPostgres();
    });
    after(() => pg?.stop());

    it("a failure stored, then fixed: newly failing, then fixed since", async () => {
      const url = pg?.url ?? "";
      const one = ["--history", url, "--limit", target, "--waivers", labWaivers, "--policy", labPolicy];
      await hostExec(target, "chmod o+r /run/docker.sock");
      let broken: Checked;
      try {
        broken = await runCheck(inventory, lab, one);
      } finally {
        await hostExec(target, "chmod o-r /run/docker.sock");
      }
      assert.deepEqual(broken.failing(target), ["cis.3.16"]);
      let report = opsJson<HistoryReport>(["check", "history", "--history", url]);
      assert.equal(report.items.find((i) => i.check === "cis.3.16")?.change, "newly-failing");
      await runCheck(inventory, lab, one);
      report = opsJson<HistoryReport>(["check", "history", "--history", url]);
      const fixed = report.items.find((i) => i.check === "cis.3.16");
      assert.equal(fixed?.change, "fixed");
      assert.equal(fixed?.sinceRun, report.latest?.id);
      assert.equal(report.trend.length, 2);
    });
  });

  describe("the HTML report", () => {
    it("the HTML report: a matrix a browser shows, with no request to the network", async () => {
      const page = join(work, "reports", "report.html");
      const shot = join(work, "compliance-report.png");
      const rendered = await renderPage(page, shot);
      assert.deepEqual(rendered.requests, [], "the page asked for nothing");
      assert.ok(statSync(shot).size > 20_000, "a screenshot with content");
      const html = readFileSync(page, "utf8");
      assert.match(html, /<table class="matrix">/);
      assert.ok(html.indexOf('class="id">cis.3.18') < html.indexOf('class="id">cis.2.2'), "failures first");
      // The detector works: a page with an external image is caught.
      const control = join(work, "control.html");
      writeFileSync(
        control,
        `<html><body><img src="http://${lab.subnet.replace(/\.0\/24$/, ".2")}/none.png"></body></html>`,
      );
      assert.equal((await renderPage(control, join(work, "control.png"))).requests.length, 1);
      console.log(`      screenshot: ${shot}`);
    });
  });

  describe("the schedule on a real systemd (el9-3 as the control machine)", () => {
    const control = "el9-3";
    const container = `ops-lab-${control}`;
    let notify: NotifyServer;
    let opsBin = "";
    const dir = "/root/ops-e2e";
    const onControl = (args: string) => hostExec(control, `cd /root && node ${opsBin} ${args}`);
    const runsKept = async () =>
      (
        JSON.parse(
          await onControl(`check history --history ${dir}/history.sqlite --list-runs -o json`),
        ) as unknown[]
      ).length;
    const startService = async () => {
      await hostExec(control, "systemctl start ops-check-e2e.service");
      return (
        await hostExec(control, "systemctl show ops-check-e2e.service -p Result -p ExecMainStatus")
      ).trim();
    };

    before(async () => {
      opsBin = installOps(container);
      // The control machine reaches el9-1 and el9-2 with the lab's key and known_hosts.
      const inv = parse(readFileSync(hardenedInventory(lab, ["el9-1", "el9-2"]), "utf8")) as {
        all: { vars: Record<string, unknown> };
      };
      inv.all.vars.ansible_ssh_private_key_file = `${dir}/id_ed25519`;
      inv.all.vars.known_hosts = `${dir}/known_hosts`;
      const local = join(work, "control-hosts.yaml");
      writeFileSync(local, stringify(inv));
      await hostExec(control, `mkdir -p ${dir}`);
      for (const [from, to] of [
        [local, "hosts.yaml"],
        [labWaivers, "waivers.yaml"],
        [labPolicy, "policy.yaml"],
        [lab.privateKeyFile, "id_ed25519"],
        [lab.knownHostsFile, "known_hosts"],
      ] as const)
        execFileSync("docker", ["cp", from, `${container}:${dir}/${to}`]);
      await hostExec(control, `chmod 600 ${dir}/id_ed25519`);
      notify = await startNotifyServer(lab.subnet.replace(/\.0\/24$/, ".1"));
    });
    after(async () => {
      await notify?.close();
      await hostExec(
        control,
        `node ${opsBin} schedule remove e2e >/dev/null 2>&1; rm -rf /opt/ops /usr/local/bin/node ${dir} /etc/ops /root/.local/state/ops`,
      ).catch(() => undefined);
    });

    it("ops schedule check installs the units; systemctl start runs a check that history keeps; the timer is listed", async () => {
      const out = await onControl(
        `schedule check --name e2e -i ${dir}/hosts.yaml --waivers ${dir}/waivers.yaml --policy ${dir}/policy.yaml --history ${dir}/history.sqlite --notify ${notify.url} --randomized-delay 0 --on-calendar "*-*-* 03:00:00"`,
      );
      assert.match(
        out,
        /schedule e2e: systemd-system, \*-\*-\* 03:00:00; installed in \/etc\/systemd\/system/,
      );
      assert.match(await hostExec(control, "systemctl list-timers --all --no-pager"), /ops-check-e2e\.timer/);
      assert.match(
        await hostExec(control, "systemctl cat ops-check-e2e.timer"),
        /Persistent=true[\s\S]*RandomizedDelaySec=0/,
      );
      assert.equal(await startService(), "Result=success\nExecMainStatus=0");
      assert.equal(await runsKept(), 1);
      assert.match(await hostExec(control, "ls /root/.local/state/ops/reports/e2e"), /report\.html/);
      assert.equal(notify.messages.length, 0, "nothing failed: no message");
      assert.match(
        await onControl("schedule list"),
        /^e2e {2}systemd-system {2}\*-\*-\* 03:00:00 {2}timer: active/m,
      );
    });

    it("a new failure sends exactly one message; an unchanged run sends none", async () => {
      await hostExec("el9-1", `chmod 0666 ${DAEMON_JSON}`);
      try {
        assert.equal(await startService(), "Result=success\nExecMainStatus=3");
        assert.equal(notify.messages.length, 1);
        const message = notify.messages[0] as {
          newlyFailing: { host: string; check: string }[];
          text: string;
        };
        assert.deepEqual(
          message.newlyFailing.map((i) => `${i.host} ${i.check}`),
          ["el9-1 cis.3.18"],
        );
        assert.equal(await startService(), "Result=success\nExecMainStatus=3");
        assert.equal(notify.messages.length, 1, "unchanged: no second message");
        assert.equal(await runsKept(), 3);
      } finally {
        await hostExec("el9-1", `chmod 0644 ${DAEMON_JSON}`);
      }
    });

    it("two runs of one schedule at once: one runs, the other is refused by the control machine's lock", async () => {
      const runOnce = () =>
        new Promise<{ code: number; stderr: string }>((resolve) => {
          const child = spawn("docker", ["exec", container, "node", opsBin, "schedule", "run", "e2e"]);
          let stderr = "";
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          child.stdout.resume();
          child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
        });
      const both = await Promise.all([runOnce(), runOnce()]);
      const refused = both.filter(
        (r) => r.code === 2 && /another run holds .*check-e2e\.lock.*this run did nothing/.test(r.stderr),
      );
      assert.equal(refused.length, 1, both.map((r) => `${r.code}: ${r.stderr}`).join("\n"));
      assert.equal(both.filter((r) => r.code === 0).length, 1);
      assert.equal(await runsKept(), 4, "only the run that held the lock was kept");
    });

    it("ops schedule remove stops and removes the timer", async () => {
      assert.match(await onControl("schedule remove e2e"), /schedule e2e removed/);
      assert.doesNotMatch(await hostExec(control, "systemctl list-timers --all --no-pager"), /ops-check-e2e/);
    });
  });

  describe("bad input: a clear error naming the file and line; nothing stored", () => {
    const fresh = () => join(mkdtempSync(join(work, "bad-")), "history.sqlite");
    it("a bad policy", async () => {
      const h = fresh();
      const r = await ops([
        "check",
        "-i",
        inventory,
        "--policy",
        join(FIXTURES, "bad-policy.yaml"),
        "--history",
        h,
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bad-policy\.yaml:1 \(level\): level must be one of 1, 2, got 3/);
      assert.ok(!existsSync(h), "no history was created");
    });
    it("a bad waivers file", async () => {
      const h = fresh();
      const r = await ops([
        "check",
        "-i",
        inventory,
        "--waivers",
        join(FIXTURES, "bad-waivers.yaml"),
        "--history",
        h,
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bad-waivers\.yaml:10 \(waivers\.2\): item 3 must have justification/);
      assert.ok(!existsSync(h));
    });
    it("a history URL that is not one", async () => {
      const r = await ops(["check", "-i", inventory, "--history", "mysql://db/ops"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /--history: 'mysql:\/\/db\/ops' is neither a file path nor a postgres:\/\/ URL/);
    });
  });

  after(async () => {
    // Leave the hosts as install-engine makes them.
    const converge = await ops([
      "run",
      "install-engine",
      "-i",
      lab.inventoryFile,
      "--limit",
      lab.hosts.map((h) => h.name).join(","),
      "--known-hosts",
      lab.knownHostsFile,
      "-o",
      "json",
    ]);
    assert.equal(converge.code, 0, converge.stderr);
  });
});
