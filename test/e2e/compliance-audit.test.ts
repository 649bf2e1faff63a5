// End to end: the checks that read the Linux audit system (CIS 5.23 from the audit log, 1.1.x from the
// loaded rules), judged by the built `ops check` over real SSH against THIS machine. The lab's hosts
// are containers in a child PID namespace, where the kernel refuses audit netlink; this machine is in
// the initial one, so auditd, auditctl and ausearch work here as on a real Docker host.
//
// A private sshd on 127.0.0.1 (own key, own port) makes this machine a host of a temporary inventory;
// when no auditd runs, one is started with a log of its own (helpers/auditd.ts) so earlier runs leave
// nothing in the log this test judges. The container exec'd into runs on this machine's dockerd from
// a lab image already here (nothing is pulled). The lab's hosts are not used, so no lab lock is needed.
// Everything changed is put back in `after`: rules deleted, auditing re-enabled, auditd and sshd
// stopped, the container removed.
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { CHECK_IDS } from "../../src/compliance/checks/catalog.js";
import { privilegedExec } from "../../src/compliance/checks/exec-audit.js";
import { parseExecve } from "../../src/compliance/facts/exec-audit.js";
import {
  AuditRules,
  auditctl,
  auditStatus,
  startPrivateAuditd,
  type AuditStatus,
  type PrivateAuditd,
} from "./helpers/auditd.js";
import { runCheck, type Checked } from "./helpers/compliance.js";
import { startLocalSshd, type LocalSshd } from "./helpers/local-sshd.js";

const HOST = "this-machine";
/**
 * 5.23 from the log; from the rules, 1.1.3 (the daemon: /usr/sbin/dockerd from Debian's docker.io, or
 * docker-ce's /usr/bin/dockerd), 1.1.6 (/etc/docker, which exists here) and 1.1.13
 * (/etc/sysconfig/docker, which does not).
 */
const AT_STAKE = ["cis.5.23", "cis.1.1.3", "cis.1.1.6", "cis.1.1.13"];
const DOCKERD = ["/usr/bin/dockerd", "/usr/sbin/dockerd"].filter((p) => existsSync(p));
const watch = (path: string) => ["-w", path, "-p", "wa", "-k", "docker"];

/**
 * The privileged execs in the docker-keyed EXECVE records of the log a session over the test's sshd
 * reads (in the private auditd's mount namespace when there is one).
 */
function privilegedExecsInLog(namespaceOf: number | undefined): string[] {
  const search = ["ausearch", "--input-logs", "-k", "docker", "-m", "EXECVE"];
  const argv =
    namespaceOf === undefined ? search : ["nsenter", `--mount=/proc/${namespaceOf}/ns/mnt`, ...search];
  let out = "";
  try {
    out = execFileSync(argv[0] as string, argv.slice(1), {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch {
    return []; // "<no matches>" is exit 1
  }
  return out
    .split("\n")
    .filter((l) => l.startsWith("type=EXECVE "))
    .map(parseExecve)
    .filter((r) => privilegedExec(r.argv))
    .map((r) => r.argv.join(" "));
}

describe("ops check of the audit log and rules, on this machine over SSH (CIS 5.23, 1.1.x)", function () {
  this.timeout(300_000);
  const work = mkdtempSync(join(tmpdir(), "ops-e2e-audit-check-"));
  const container = `ops-e2e-audit-${process.pid}`;
  const rules = new AuditRules();
  let initial: AuditStatus;
  let auditd: PrivateAuditd | undefined;
  let sshd: LocalSshd | undefined;
  let inventory: string;
  let policy: string;
  /** The docker client a session on this machine runs (`command -v docker`, resolved). */
  let client: string;
  let startedContainer = false;

  const check = async (): Promise<Checked> => {
    if (sshd === undefined) throw new Error("no sshd");
    const c = await runCheck(inventory, sshd, ["--policy", policy, "--no-history"]);
    const ran = (c.hosts[HOST]?.checks ?? []).map((o) => o.id).sort();
    assert.deepEqual(ran, [...AT_STAKE].sort(), `exactly the checks at stake ran: ${c.result.stderr}`);
    assert.equal(c.hosts[HOST]?.commands, 1, "one round trip");
    return c;
  };
  const outcome = (c: Checked, id: string) => {
    const o = c.outcome(HOST, id);
    assert.ok(o, `${id} was judged: ${c.result.stdout.slice(-2000)}`);
    return o;
  };

  before(async () => {
    assert.ok(DOCKERD.length > 0, "a dockerd on this machine (the lab's engine)");
    initial = auditStatus();
    // The kernel sends records to one daemon: use the machine's when it runs, else start one with its own log.
    if (initial.pid === 0) auditd = await startPrivateAuditd();
    sshd = await startLocalSshd(auditd?.pid);
    inventory = join(work, "hosts.yaml");
    writeFileSync(
      inventory,
      stringify({
        all: {
          hosts: {
            [HOST]: {
              ansible_host: sshd.address,
              ansible_port: sshd.port,
              ansible_user: sshd.user,
              ansible_ssh_private_key_file: sshd.privateKeyFile,
            },
          },
        },
      }),
    );
    // Level 2 for 5.23 and the level-2 audit rules, everything else excluded: only what is at stake runs.
    policy = join(work, "policy.yaml");
    const others = [...CHECK_IDS].filter((id) => id.startsWith("cis.") && !AT_STAKE.includes(id));
    writeFileSync(policy, stringify({ level: 2, drift: false, exclude: others }));
    // The client as a session over this sshd finds it: its PATH is sshd's, not this process's.
    const ssh = [
      "-i",
      sshd.privateKeyFile,
      "-p",
      String(sshd.port),
      "-o",
      `UserKnownHostsFile=${sshd.knownHostsFile}`,
    ];
    client = execFileSync(
      "ssh",
      [...ssh, "-o", "BatchMode=yes", `root@${sshd.address}`, 'readlink -f "$(command -v docker)"'],
      { encoding: "utf8" },
    ).trim();
    assert.match(client, /^\/.*docker$/, "a docker client on this machine");
    // A lab image already on this machine's dockerd: nothing is pulled.
    const image = execFileSync(
      "docker",
      ["images", "--format", "{{.Repository}}:{{.Tag}}", "ops-lab/busybox"],
      {
        encoding: "utf8",
      },
    )
      .split("\n")
      .find((l) => l !== "");
    if (image === undefined)
      throw new Error(
        "no ops-lab/busybox image on this machine's dockerd: start the lab (npm run lab:up) first",
      );
    execFileSync(client, ["run", "-d", "--name", container, "--network", "none", image, "sleep", "600"]);
    startedContainer = true;
  });

  after(async () => {
    // Each step runs even when one before it failed; the first error is reported.
    const errors: unknown[] = [];
    const step = async (f: () => unknown) => {
      try {
        await f();
      } catch (e) {
        errors.push(e);
      }
    };
    if (startedContainer)
      await step(() => execFileSync("docker", ["rm", "-f", container], { stdio: "ignore" }));
    await step(() => rules.removeAll());
    await step(() => {
      if (initial !== undefined && auditStatus().enabled !== initial.enabled)
        auditctl(["-e", String(initial.enabled)]);
    });
    await step(() => auditd?.stop());
    await step(() => sshd?.stop());
    rmSync(work, { recursive: true, force: true });
    if (errors.length > 0) throw errors[0];
  });

  it("without a rule that records the docker client, 5.23 is an error naming the rule to add, never a pass; 1.1.3 and 1.1.6 fail without a watch on dockerd and /etc/docker", async () => {
    const c = await check();
    const o = outcome(c, "cis.5.23");
    assert.equal(o.status, "error", o.message);
    assert.match(o.message, new RegExp(`no audit rule with the key docker records runs of .*${client}`));
    assert.match(o.hint ?? "", /-k docker/);
    const etc = outcome(c, "cis.1.1.6");
    assert.equal(etc.status, "fail", etc.message);
    assert.match(etc.message, /no audit rule for \/etc\/docker/);
    const daemon = outcome(c, "cis.1.1.3");
    assert.equal(daemon.status, "fail", daemon.message);
    assert.match(daemon.message, new RegExp(`no audit rule for ${DOCKERD.join(" and ")}`));
    assert.equal(
      outcome(c, "cis.1.1.13").status,
      "not-applicable",
      "/etc/sysconfig/docker does not exist here",
    );
    assert.equal(c.code, 2, "an error is exit 2");
  });

  it("with the client's executions recorded and no privileged exec among them, 5.23 passes on a log that holds this test's runs; 1.1.6 and 1.1.3 pass with the watches", async function () {
    rules.add(["-w", client, "-p", "x", "-k", "docker"]);
    rules.add(watch("/etc/docker"));
    for (const path of DOCKERD) rules.add(watch(path));
    // Runs that are recorded but not privileged: --privileged=false is exec's flag set false, and a
    // "--privileged" after the container's name is the command run inside, not docker's.
    execFileSync(client, ["exec", "--privileged=false", container, "true"]);
    execFileSync(client, ["exec", container, "echo", "--privileged"]);
    const before = privilegedExecsInLog(auditd?.pid);
    // Only with the machine's own auditd, whose log may hold an earlier privileged exec: nothing to prove then.
    if (auditd === undefined && before.length > 0) {
      this.skip();
    }
    assert.deepEqual(before, [], "no privileged exec in the log this check reads");
    const c = await check();
    const o = outcome(c, "cis.5.23");
    assert.equal(o.status, "pass", o.message);
    // Not an empty search: this test's two execs are among the runs counted.
    const counted = Number(/among (\d+) recorded runs/.exec(o.message)?.[1]);
    assert.ok(counted >= 2, o.message);
    assert.match(o.evidence.outputTail, new RegExp(`recorded by -w ${client} -p x -k docker`));
    assert.equal(outcome(c, "cis.1.1.6").status, "pass");
    assert.equal(outcome(c, "cis.1.1.3").status, "pass");
    assert.equal(c.code, 0, c.result.stderr);
  });

  it("after one docker exec --privileged into a container, 5.23 fails with evidence naming that command", async () => {
    // The record is of the client's run, whether or not the engine then grants the exec: on a machine
    // whose capability bounding set lacks one (the test machine's has no CAP_SYS_MODULE), runc refuses
    // "unable to apply caps", and the attempt is still what CIS 5.23 is about.
    const exec = spawnSync(client, ["exec", "--privileged", container, "true"], { encoding: "utf8" });
    assert.ok(
      exec.status === 0 || /unable to apply caps/.test(exec.stdout + exec.stderr),
      `${exec.status}: ${exec.stdout}${exec.stderr}`,
    );
    const c = await check();
    const o = outcome(c, "cis.5.23");
    assert.equal(o.status, "fail", o.message);
    assert.ok(
      (o.evidence.outputTail.split("\n").at(-1) ?? "").startsWith(
        `${client} exec --privileged ${container} true (`,
      ),
      o.evidence.outputTail,
    );
    // The latest is named: the log's earlier privileged execs (with the machine's own auditd) come before it.
    assert.ok(
      o.message.includes(`recorded, the last: ${client} exec --privileged ${container} true (`),
      o.message,
    );
    assert.ok(o.hint && o.expected && o.actual, "says what to do, expected beside actual");
    assert.equal(c.code, 3, "a failed check is exit 3");
  });

  it("with auditing off (auditctl -e 0), 5.23 is an error, exit 2, although the log and the rules are there", async () => {
    auditctl(["-e", "0"]);
    const c = await check();
    const o = outcome(c, "cis.5.23");
    assert.equal(o.status, "error", o.message);
    assert.match(o.message, /auditing is disabled/);
    assert.equal(c.code, 2);
  });
});
