/**
 * deploy-registry end to end on the lab: el9-1 runs the registry (compose: Distribution, nginx, a
 * pull-through cache), el9-2 and el9-3 are engine hosts that trust it. Real sshd, systemd, dnf,
 * nested engines, compose and registries. The scenarios run in order; each says what it starts from.
 * Run under `flock /tmp/ops-lab.lock`, after `npm run build`.
 */
import assert from "node:assert/strict";
import bcrypt from "bcryptjs";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { send, type Credentials, type Endpoint } from "../../src/registry/http.js";
import { MANIFEST_TYPES } from "../../src/registry/api.js";
import { createCa } from "../../src/registry/x509.js";
import { newVerifyRobot, robotLine, writeRobotScript } from "../../src/registry/verify-robot.js";
import { attachArtifact, listReferrers, pullArtifact } from "../unit/registry/support/oci-artifact.js";
import { pushBlob, pushImage } from "../unit/registry/support/push.js";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { $ } from "../lab/sh.js";
import { engineIdentity } from "./helpers/host-state.js";
import { failures, ops, summaries, type OpsResult } from "./helpers/ops-cli.js";
import { randomLog } from "./helpers/random-log.js";
import {
  PASSWORDS,
  bytesIn,
  containerIds,
  dockerLogin,
  installEngineOn,
  registryLab,
  registryVars,
  storageListing,
  writeRegistryInventory,
  type RegistryLab,
} from "./helpers/registry.js";

/** Figures for the closing note, printed at the end. */
const figures: Record<string, string> = {};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The CA files docker reads for the registry at port 443 (both spellings of its name). */
const certsFiles = (R: string) => [`/etc/docker/certs.d/${R}/ca.crt`, `/etc/docker/certs.d/${R}:443/ca.crt`];

/** Pushes a one-layer image to `repo:1` over the API; returns its layer's digest. */
async function pushImageAs(ep: Endpoint, who: Credentials, repo: string): Promise<string> {
  const pushed = await pushImage(ep, who, repo, "1");
  assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
  return pushed.layer;
}

describe("deploy-registry on lab hosts", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let r: RegistryLab;
  let R: string; // the registry as docker names it (port 443: no port)
  let passwords = { ...PASSWORDS };
  const engineStarts: Record<string, { pid: string; since: string }> = {};
  const deploy = (...args: string[]) =>
    ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json", ...args]);
  const cli = (...args: string[]) => ops([...args, "-i", r.inventory]);
  const secretsIn = (text: string) =>
    Object.values({ ...PASSWORDS, ...passwords }).filter((p) => text.includes(p));
  const ok = (res: OpsResult) => assert.equal(res.code, 0, `${res.stderr}\n${res.stdout.slice(-3000)}`);
  /** On the registry host: waits until the proxy cache and nginx are healthy (after an engine restart). */
  const STACK_UP =
    "for i in $(seq 60); do docker compose -p ops-registry ps --format '{{.Service}} {{.Status}}' | grep -q '^proxy Up .*(healthy)' && docker compose -p ops-registry ps --format '{{.Service}} {{.Status}}' | grep -q '^nginx Up .*(healthy)' && exit 0; sleep 1; done; exit 1";
  /** Each host's verdict of verify's round trip (check registry.round-trip), by host. */
  const roundTrips = (res: OpsResult) =>
    Object.fromEntries(
      res.events.flatMap((e) =>
        e.kind === "check-result" && e.check.id === "registry.round-trip" ? [[e.host, e.check] as const] : [],
      ),
    );
  /** Whatever a round trip could leave on the hosts: pulled images, docker config folders. */
  const hostLeftovers = async (hosts: readonly string[]) => {
    const found: string[] = [];
    for (const h of hosts)
      found.push(
        await hostExec(
          h,
          "ls -d /run/ops-verify-* 2>/dev/null; docker images --format '{{.Repository}}' | grep ops-verify || true",
        ),
      );
    return found.map((f) => f.trim()).filter((f) => f !== "");
  };
  /** The proxy cache's entries of the audit log (`ops registry audit --all`), oldest first. */
  const proxyAudit = async () =>
    (await cli("registry", "audit", "--output", "json", "--all")).stdout
      .split("\n")
      .filter((l) => l.includes('"service":"proxy-cache"'))
      .map(
        (l) =>
          JSON.parse(l) as {
            user: string;
            status: number;
            client: string;
            action: string;
            repository: string;
          },
      );

  before(async () => {
    await labUp({ el9: 3 });
    for (const h of readLab().hosts) await recreateHost(h.name);
    lab = readLab();
    r = registryLab(lab);
    R = r.address;
    const engine = await ops(["run", "install-engine", "-i", r.inventory, "--output", "json"]);
    ok(engine);
    for (const h of r.engines) engineStarts[h] = await engineIdentity(h);
  });

  it("a fresh deploy stands the stack up and makes every engine trust it through certs.d, without a restart", async () => {
    const t0 = Date.now();
    const res = await deploy();
    figures["fresh deploy (3 hosts)"] = seconds(Date.now() - t0);
    ok(res);
    const by = summaries(res);
    for (const h of [r.registry, ...r.engines])
      assert.equal(by[h]?.status, "changed", failures(res, h).join("; "));
    const ps = await hostExec(
      r.registry,
      "docker compose -p ops-registry ps --format '{{.Service}} {{.Status}}'",
    );
    for (const svc of ["registry", "nginx", "proxy"])
      assert.match(ps, new RegExp(`^${svc} Up .*\\(healthy\\)`, "m"));
    for (const h of r.engines) {
      assert.match(await hostExec(h, `cat /etc/docker/certs.d/${R}/ca.crt`), /BEGIN CERTIFICATE/);
      assert.deepEqual(await engineIdentity(h), engineStarts[h], `${h}: the engine was restarted`);
      assert.doesNotMatch(await hostExec(h, "cat /etc/docker/daemon.json"), /insecure-registries/);
    }
    const key = readFileSync(join(r.dir, "ops-registry-ca.key"));
    assert.ok(key.length > 0);
    assert.equal((await $`stat -c %a ${join(r.dir, "ops-registry-ca.key")}`).stdout.trim(), "600");
  });

  it("the second run changes nothing, in one command per host", async () => {
    const t0 = Date.now();
    const res = await deploy();
    figures["no-op run (3 hosts)"] = seconds(Date.now() - t0);
    ok(res);
    figures["no-op per host"] = Object.values(summaries(res))
      .map((s) => `${s.host} ${s.ms} ms`)
      .join(", ");
    for (const [host, s] of Object.entries(summaries(res))) {
      assert.equal(s.status, "ok", `${host}: ${JSON.stringify(s.plan.filter((p) => p.outcome !== "noop"))}`);
      assert.equal(s.commands, 1, `${host} sent ${s.commands} commands`);
    }
  });

  it("verify's round trip: a robot that lives only during the verify pushes a scratch image, every engine pulls it by digest, anonymously, holding no credential, and no host ever holds the robot's password; a host without the CA fails; Ctrl-C mid-run leaves nothing", async () => {
    const hosts = [r.registry, ...r.engines];
    const verify = (onEvent?: Parameters<typeof ops>[2], env?: NodeJS.ProcessEnv) =>
      ops(["verify", "-p", "deploy-registry", "-i", r.inventory, "--output", "json"], "", onEvent, [], env);
    /** The verify robots' files on the registry host (verify-robot.ts). */
    const robots = async () =>
      (await hostExec(r.registry, "ls -A /opt/ops-registry/nginx/verify"))
        .split("\n")
        .filter((l) => l !== "");
    /** Whatever a round trip could leave on the hosts, and the catalog. */
    const leftovers = async () => {
      const found = await hostLeftovers(hosts);
      const ls = await cli("registry", "ls", "--output", "json");
      ok(ls);
      if (ls.stdout.includes("ops-verify")) found.push(`catalog: ${ls.stdout}`);
      return found;
    };
    // A registry in use: an image is there already (the round trip must leave it alone).
    const ep = { url: `https://${R}`, ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8") };
    await pushImageAs(ep, { user: "root", password: passwords.root }, "team/base");
    // The registry's storage (every folder and file) is the same after a round trip as before.
    const storage = () => hostExec(r.registry, "cd /var/lib/ops-registry/registry && find . | sort");
    const stored = await storage();

    // What each host holds at the instant of its pull: a docker wrapper first in PATH records the
    // config folder the pull reads, and keeps a copy of every file under /run, /root, /etc, /tmp,
    // /home and /opt written since the verify began, and every process's arguments and environment
    // (in /var/tmp, outside the search), to be searched for the robot's password once the run told
    // it. On e1 it also lists every file there that holds the admin's password or its Basic
    // credential. root's own docker config on e1 holds a wrong login for the registry: a pull that
    // used it would be refused.
    const e1 = r.engines[0];
    const needles = [passwords.root, Buffer.from(`root:${passwords.root}`).toString("base64")];
    const SEARCHED = "/run /root /etc /tmp /home /opt";
    const wrapper = [
      "#!/bin/sh",
      'if [ "$1" = pull ]; then',
      '  { echo "DOCKER_CONFIG=$DOCKER_CONFIG"; ls -A "$DOCKER_CONFIG" | sed "s/^/holds /"',
      "    grep -rlsF -D skip -f /var/tmp/ops-e2e-needles /run /root /etc /tmp /home | sed 's/^/admin secret in /'",
      "  } > /var/tmp/ops-e2e-pull.log 2>&1",
      "  mkdir -p /var/tmp/ops-e2e-snap",
      "  for p in /proc/[0-9]*; do tr '\\0' '\\n' < $p/cmdline; tr '\\0' '\\n' < $p/environ; done > /var/tmp/ops-e2e-snap/processes 2>/dev/null",
      `  find ${SEARCHED} -type f -newer /var/tmp/ops-e2e-began -size -1024k 2>/dev/null | while read -r f; do cp --parents "$f" /var/tmp/ops-e2e-snap/ 2>/dev/null; done`,
      "fi",
      'exec /usr/bin/docker "$@"',
    ].join("\n");
    const wrong = { auth: Buffer.from("root:not-the-password").toString("base64") };
    const wrongLogin = JSON.stringify({ auths: { [R]: wrong, [`${R}:443`]: wrong } });
    const put = (text: string, file: string) =>
      `echo ${Buffer.from(text).toString("base64")} | base64 -d > ${file}`;
    for (const h of hosts)
      await hostExec(
        h,
        `rm -rf /var/tmp/ops-e2e-snap && touch /var/tmp/ops-e2e-began && ${put(`${wrapper}\n`, "/usr/local/bin/docker")} && chmod 0755 /usr/local/bin/docker`,
      );
    await hostExec(
      e1,
      [
        put(`${needles.join("\n")}\n`, "/var/tmp/ops-e2e-needles"),
        "mkdir -p /root/.docker",
        "{ [ ! -e /root/.docker/config.json ] || mv /root/.docker/config.json /root/.docker/config.json.e2e; }",
        put(wrongLogin, "/root/.docker/config.json"),
      ].join(" && "),
    );
    const drawn = randomLog();
    const t0 = Date.now();
    const pass = await verify(undefined, drawn.env).finally(async () => {
      for (const h of hosts) await hostExec(h, "rm -f /usr/local/bin/docker /var/tmp/ops-e2e-began");
      await hostExec(
        e1,
        "rm -f /var/tmp/ops-e2e-needles /root/.docker/config.json; " +
          "[ ! -e /root/.docker/config.json.e2e ] || mv /root/.docker/config.json.e2e /root/.docker/config.json",
      );
    });
    figures["verify -p deploy-registry with the round trip (3 hosts)"] = seconds(Date.now() - t0);
    ok(pass);
    const checks = roundTrips(pass);
    const digest = /@(sha256:[0-9a-f]{64})/.exec(checks[r.registry]?.message ?? "")?.[1];
    assert.ok(digest, JSON.stringify(checks));
    for (const h of hosts) {
      assert.equal(checks[h]?.status, "pass", JSON.stringify(checks[h]));
      assert.match(checks[h]?.message ?? "", new RegExp(`^pulled ${R}:443/ops-verify/[0-9a-f]+@${digest}$`));
    }
    const seen = (
      await hostExec(e1, "cat /var/tmp/ops-e2e-pull.log; rm -f /var/tmp/ops-e2e-pull.log")
    ).trim();
    assert.match(seen, /^DOCKER_CONFIG=\/run\/ops-verify-[0-9a-f]+$/, "the pull read an empty config folder");
    const id = /^DOCKER_CONFIG=\/run\/ops-verify-([0-9a-f]+)$/.exec(seen)?.[1] ?? "?";
    // The registry's view: every request the hosts made for the test image was anonymous and served;
    // the admin's requests (the push, the delete) came from the control machine alone.
    const addresses = new Set(lab.hosts.filter((h) => hosts.includes(h.name)).map((h) => h.address));
    const audit = await cli("registry", "audit", "--all", "--project", "ops-verify", "--output", "json");
    ok(audit);
    const events = audit.stdout
      .split("\n")
      .filter((l) => l.includes(`ops-verify/${id}`))
      .map((l) => JSON.parse(l) as { user: string; action: string; status: number; client: string });
    const byHosts = events.filter((e) => addresses.has(e.client));
    assert.deepEqual(
      [...new Set(byHosts.filter((e) => e.action === "pull").map((e) => e.client))].sort(),
      [...addresses].sort(),
      `every host pulled: ${JSON.stringify(events)}`,
    );
    assert.deepEqual(
      byHosts.filter((e) => e.user !== "" || e.status >= 400),
      [],
      "the hosts' requests were anonymous and served",
    );
    // The push was the run's verify robot's, from the control machine; no account of the inventory
    // (the admin included) took part, and the robot did nothing but push.
    const robotName = new RegExp(`^robot\\$ops-verify-${id}-[0-9]{10}$`);
    const pushes = events.filter((e) => e.action === "push");
    assert.ok(pushes.length >= 9, JSON.stringify(events));
    assert.ok(pushes.every((e) => robotName.test(e.user) && e.status < 400 && !addresses.has(e.client)));
    assert.deepEqual(
      events.filter((e) => e.user !== "" && !robotName.test(e.user)),
      [],
      "no account of the inventory acted on the test image",
    );
    assert.deepEqual(
      events.filter((e) => robotName.test(e.user) && e.action !== "push" && e.action !== "pull"),
      [],
    );
    // The robot's password (drawn by this verify, recorded by the preload) is on no host: not in any
    // file written during the verify, not in any process's arguments or environment at the instant
    // of each pull, not anywhere searched afterwards; nor is its Basic credential. Its file on the
    // registry host, as the registry host's pull found it, held the bcrypt hash of one of the values
    // recorded: the search looked for the real password, and the copies were made.
    const robotUser = pushes[0]?.user ?? "?";
    const drawnValues = drawn.values();
    drawn.remove();
    const robotFile = await hostExec(
      r.registry,
      `cat /var/tmp/ops-e2e-snap/opt/ops-registry/nginx/verify/${id}-*.htpasswd`,
    );
    const [fileUser, fileHash] = robotFile.trim().split(":");
    assert.equal(fileUser, robotUser);
    const password = drawnValues.find((v) => bcrypt.compareSync(v, fileHash ?? ""));
    assert.ok(password, `none of the ${drawnValues.length} values drawn is the robot's password`);
    const robotNeedles = [password, Buffer.from(`${robotUser}:${password}`).toString("base64")];
    for (const h of hosts) {
      const found = await hostExec(
        h,
        [
          put(`${robotNeedles.join("\n")}\n`, "/var/tmp/ops-e2e-robot-needles"),
          `grep -c '^pull$' /var/tmp/ops-e2e-snap/processes`,
          `grep -rlsF -D skip -f /var/tmp/ops-e2e-robot-needles /var/tmp/ops-e2e-snap ${SEARCHED} | sed 's/^/robot secret in /'`,
          "rm -rf /var/tmp/ops-e2e-robot-needles /var/tmp/ops-e2e-snap",
        ].join("; "),
      );
      const [pulls = "", ...secrets] = found.trim().split("\n");
      assert.ok(Number(pulls) >= 1, `${h}: the snapshot holds the pull's own process: ${found}`);
      assert.deepEqual(secrets, [], `${h}: the robot's password was found`);
    }
    assert.deepEqual(await robots(), [], "the robot is gone");
    const cleanup = pass.events.find(
      (e) => e.kind === "run-step" && e.name === "deploy-registry:registry-round-trip-cleanup",
    );
    assert.ok(cleanup && cleanup.kind === "run-step" && cleanup.status === "ok", JSON.stringify(cleanup));
    assert.deepEqual(await leftovers(), []);
    assert.equal(await storage(), stored, "the round trip left something in storage");

    // An engine whose certs.d CA is gone: its pull fails, the others pass, nothing is left behind.
    const e2 = r.engines[1];
    const cas = certsFiles(R);
    await hostExec(e2, cas.map((f) => `mv ${f} ${f}.away`).join(" && "));
    const broken = await verify().finally(() =>
      hostExec(e2, cas.map((f) => `mv ${f}.away ${f}`).join(" && ")),
    );
    assert.equal(broken.code, 2, broken.stderr);
    const after = roundTrips(broken);
    assert.equal(after[e2]?.status, "fail", JSON.stringify(after[e2]));
    assert.match(after[e2]?.message ?? "", /does not trust/);
    for (const h of [r.registry, r.engines[0]])
      assert.equal(after[h]?.status, "pass", JSON.stringify(after[h]));
    assert.deepEqual(await leftovers(), []);
    assert.equal(await storage(), stored, "the failed round trip left something in storage");

    // Ctrl-C right after the push, while the hosts pull: exit 130, and the image, its blobs, the
    // pulled copies and the docker configs are all gone.
    let pushed = "";
    const stopped = await verify((e, child) => {
      if (e.kind === "run-step" && e.name === "deploy-registry:registry-round-trip" && e.status === "ok") {
        pushed = "yes";
        child.kill("SIGINT");
      }
    });
    assert.equal(pushed, "yes", stopped.stdout.slice(-2000));
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.deepEqual(await leftovers(), []);
    assert.deepEqual(await robots(), [], "Ctrl-C removed the robot");
    assert.equal(await storage(), stored, "the interrupted round trip left something in storage");

    // A registry deployed before verify robots (no folder for them): nothing is pushed, every host's
    // round trip is an error whose hint says to run deploy-registry; after that run, verify passes.
    await hostExec(r.registry, "mv /opt/ops-registry/nginx/verify /opt/ops-registry/nginx/verify.away");
    const old = await verify().finally(() =>
      hostExec(
        r.registry,
        "[ ! -d /opt/ops-registry/nginx/verify.away ] || rm -rf /opt/ops-registry/nginx/verify.away",
      ),
    );
    assert.equal(old.code, 2, old.stderr);
    const refused = roundTrips(old);
    for (const h of hosts) {
      assert.equal(refused[h]?.status, "error", JSON.stringify(refused[h]));
      assert.match(refused[h]?.message ?? "", /no folder for ops verify's robots .*deployed before them/);
      assert.match(refused[h]?.hint ?? "", /run `ops run deploy-registry`/);
    }
    ok(await deploy());
    const repaired = await verify();
    ok(repaired);
    for (const h of hosts) assert.equal(roundTrips(repaired)[h]?.status, "pass");
    assert.deepEqual(await leftovers(), []);
  });

  it("a verify robot is refused once its expiry passed, with no run; one a killed verify left behind is removed by the next run once expired", async () => {
    const ca = readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8");
    const ep = { url: `https://${R}`, ca };
    // A robot as verify writes it, living 3 s: let in, then refused by the stack alone.
    const soon = newVerifyRobot("/opt/ops-registry", "e2e0e2e0", Date.now(), 3);
    // Its line (name and bcrypt hash, no password) as verify's write would get it on stdin.
    await hostExec(
      r.registry,
      `echo ${Buffer.from(robotLine(soon)).toString("base64")} | base64 -d | { ${writeRobotScript(soon)}; }`,
    );
    const creds = { user: soon.name, password: soon.password };
    assert.equal((await send(ep, "GET", "/v2/", { credentials: creds })).status, 200);
    // nginx remembers a verified login 10 s: wait out the expiry and that.
    await new Promise((done) => setTimeout(done, Math.max(0, soon.expires * 1000 - Date.now()) + 11_000));
    const expired = await send(ep, "GET", "/v2/", { credentials: creds });
    assert.equal(expired.status, 401);
    assert.match(
      expired.body.toString(),
      new RegExp(`account robot\\$ops-verify-e2e0e2e0-${soon.expires} expired`),
    );
    const refusedPush = await pushBlob(ep, creds, "ops-verify/e2e0e2e0", Buffer.from("after its expiry"));
    assert.equal(refusedPush.status, 401);

    // A verify killed outright (SIGKILL: no cleanup) right after its push: its robot stays, living
    // registry_verify_robot_ttl (20 s here). A deploy before then keeps it (a verify may be running);
    // the first deploy after its expiry removes it, and the one it left before.
    let pushedAt = 0;
    const killed = await ops(
      [
        "verify",
        "-p",
        "deploy-registry",
        "-i",
        r.inventory,
        "--output",
        "json",
        "-e",
        "registry_verify_robot_ttl=20",
      ],
      "",
      (e, child) => {
        if (e.kind === "run-step" && e.name === "deploy-registry:registry-round-trip" && e.status === "ok") {
          pushedAt = Date.now();
          child.kill("SIGKILL");
        }
      },
    );
    assert.ok(pushedAt > 0, killed.stdout.slice(-2000));
    const left = (await hostExec(r.registry, "ls -A /opt/ops-registry/nginx/verify")).trim().split("\n");
    const mine = left.filter((f) => f !== "" && !f.startsWith("e2e0e2e0-"));
    assert.equal(mine.length, 1, left.join(" "));
    const [, runId, expires] = /^([0-9a-f]+)-([0-9]{10})\.htpasswd$/.exec(mine[0]!) ?? [];
    assert.ok(runId && expires, mine[0]);
    assert.ok(
      Number(expires) * 1000 <= pushedAt + 21_000,
      "it expires registry_verify_robot_ttl after it was made",
    );
    const removals = (res: OpsResult) =>
      res.events.flatMap((e) =>
        e.kind === "step-planned" && e.host === r.registry && /expired verify robot/.test(e.description)
          ? [e.description]
          : [],
      );
    const early = await deploy();
    ok(early);
    assert.deepEqual(removals(early), [`remove 1 expired verify robot: e2e0e2e0-${soon.expires}.htpasswd`]);
    assert.equal(
      (await hostExec(r.registry, "ls -A /opt/ops-registry/nginx/verify")).trim(),
      mine[0],
      "a robot not yet expired is kept",
    );
    await new Promise((done) => setTimeout(done, Math.max(0, Number(expires) * 1000 - Date.now()) + 1500));
    const sweep = await deploy();
    ok(sweep);
    assert.deepEqual(removals(sweep), [`remove 1 expired verify robot: ${runId}-${expires}.htpasswd`]);
    assert.equal((await hostExec(r.registry, "ls -A /opt/ops-registry/nginx/verify")).trim(), "");
    // What the killed verify left otherwise: its image (ops registry rm) and the hosts' pull folders.
    ok(await cli("registry", "rm", `ops-verify/${runId}:verify`));
    for (const h of [r.registry, ...r.engines])
      await hostExec(
        h,
        `rm -rf /run/ops-verify-${runId}; docker images --format '{{.Repository}}@{{.Digest}}' | grep '/ops-verify/${runId}@' | xargs -r docker rmi >/dev/null 2>&1 || true`,
      );
  });

  it("a developer logs in, builds and pushes to a private project; a guest pulls the same digest on another host", async () => {
    const [e1, e2] = r.engines;
    assert.match(await dockerLogin(e1, R, "dev", passwords.dev), /^0 .*Login Succeeded/s);
    await hostExec(
      e1,
      "mkdir -p /tmp/app && printf 'FROM busybox\\nRUN echo built-by-ops > /hello\\n' > /tmp/app/Dockerfile",
    );
    await hostExec(e1, `docker build -q -t ${R}/team/app:v1 /tmp/app`);
    const push = await hostExec(e1, `docker push ${R}/team/app:v1 2>&1`);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push)?.[1];
    assert.ok(digest, push);
    assert.match(await dockerLogin(e2, R, "guest", passwords.guest), /^0 .*Login Succeeded/s);
    await hostExec(e2, `docker pull ${R}/team/app:v1`);
    const pulled = await hostExec(
      e2,
      `docker image inspect --format '{{join .RepoDigests " "}}' ${R}/team/app:v1`,
    );
    assert.ok(pulled.includes(`${R}/team/app@${digest}`), `${pulled} lacks ${digest}`);
    assert.equal((await hostExec(e2, `docker run --rm ${R}/team/app:v1 cat /hello`)).trim(), "built-by-ops");
  });

  it("anonymous pulls work from a public project and are refused from a private one", async () => {
    const [e1, e2] = r.engines;
    await hostExec(e1, `docker tag busybox ${R}/pub/tool:1 && docker push ${R}/pub/tool:1`);
    await hostExec(e2, `docker logout ${R}`);
    const pub = await hostExecResult(e2, `docker pull ${R}/pub/tool:1 2>&1`);
    assert.equal(pub.exitCode, 0, pub.stdout);
    const priv = await hostExecResult(
      e2,
      `docker rmi ${R}/team/app:v1 >/dev/null; docker pull ${R}/team/app:v1 2>&1`,
    );
    assert.notEqual(priv.exitCode, 0);
    assert.match(priv.stdout, /unauthorized|authentication required|no basic auth credentials/i);
  });

  it("a guest's push is refused and the registry stores nothing new", async () => {
    const e2 = r.engines[1];
    assert.match(await dockerLogin(e2, R, "guest", passwords.guest), /^0 /);
    await hostExec(
      e2,
      "mkdir -p /tmp/g && printf 'FROM busybox\\nRUN echo guest > /g\\n' > /tmp/g/Dockerfile",
    );
    await hostExec(e2, `docker build -q -t ${R}/team/app:guest /tmp/g`);
    const before = await storageListing(r.registry);
    const push = await hostExecResult(e2, `docker push ${R}/team/app:guest 2>&1`);
    assert.notEqual(push.exitCode, 0);
    assert.match(push.stdout, /denied: requested access to the resource is denied/);
    assert.equal(await storageListing(r.registry), before, "the refused push stored something");
  });

  it("a maintainer deletes a tag and GC frees the disk it used (read-only meanwhile)", async () => {
    const e1 = r.engines[0];
    await hostExec(
      e1,
      "mkdir -p /tmp/big && printf 'FROM busybox\\nRUN head -c 31457280 /dev/urandom > /blob\\n' > /tmp/big/Dockerfile",
    );
    await hostExec(e1, `docker build -q -t ${R}/team/big:1 /tmp/big && docker push ${R}/team/big:1`);
    const before = await bytesIn(r.registry, "/var/lib/ops-registry/registry");
    const ids = await containerIds(r.registry);
    const rm = await cli("registry", "rm", "team/big:1", "--as", "keeper");
    ok(rm);
    assert.match(rm.stdout, /deleted .*team\/big@sha256:[0-9a-f]{64} \(tags: 1\)/);
    const denied = await cli("registry", "rm", "team/app:v1", "--as", "dev");
    assert.equal(denied.code, 2);
    assert.match(denied.stderr, /HTTP 403/);
    const gc = await ops(["run", "registry-gc", "-i", r.inventory, "--output", "json"]);
    ok(gc);
    const after = await bytesIn(r.registry, "/var/lib/ops-registry/registry");
    figures["GC freed"] = `${before - after} bytes (${before} -> ${after}) after deleting a 30 MiB image`;
    assert.ok(before - after >= 30 * 1024 * 1024, `GC freed ${before - after} bytes`);
    const idsAfter = await containerIds(r.registry);
    assert.notEqual(idsAfter.registry, ids.registry, "GC restarts the registry read-only and back");
    assert.equal(idsAfter.nginx, ids.nginx);
    const config = await hostExec(
      r.registry,
      `docker inspect -f '{{join .Args " "}}' ${idsAfter.registry ?? ""}`,
    );
    assert.match(config.trim(), /\/config\.yml$/, "back to the read-write config");
    assert.equal((await hostExecResult(r.engines[1], `docker pull ${R}/pub/tool:1`)).exitCode, 0);
  });

  it("a wrong or missing CA fails clearly, and the next run repairs it", async () => {
    const e2 = r.engines[1];
    const other = await createCa("not the registry's CA", new Date());
    writeFileSync(join(r.dir, "wrong.crt"), other.certPem);
    await $`docker cp ${join(r.dir, "wrong.crt")} ops-lab-${e2}:/etc/docker/certs.d/${R}/ca.crt`;
    await $`docker cp ${join(r.dir, "wrong.crt")} ops-lab-${e2}:/etc/docker/certs.d/${R}:443/ca.crt`;
    const pull = await hostExecResult(e2, `docker pull ${R}/pub/tool:1 2>&1`);
    assert.notEqual(pull.exitCode, 0);
    assert.match(pull.stdout, /x509: certificate signed by unknown authority/);
    const verify = await ops(["verify", "-p", "deploy-registry", "-i", r.inventory, "--output", "json"]);
    assert.notEqual(verify.code, 0);
    const trust = verify.events.find(
      (e) => e.kind === "check-result" && e.host === e2 && e.check.id === `registry.trust.${R}:443`,
    );
    assert.ok(trust && trust.kind === "check-result", verify.stdout.slice(-2000));
    assert.equal(trust.check.status, "fail");
    assert.match(trust.check.message, /does not verify the certificate/);
    await hostExec(e2, `rm -f /etc/docker/certs.d/${R}/ca.crt /etc/docker/certs.d/${R}:443/ca.crt`);
    const missing = await ops(["verify", "-p", "deploy-registry", "-i", r.inventory, "--output", "json"]);
    const gone = missing.events.find(
      (e) => e.kind === "check-result" && e.host === e2 && e.check.id === `registry.trust.${R}:443`,
    );
    assert.ok(
      gone && gone.kind === "check-result" && /^no CA at/.test(gone.check.message),
      missing.stdout.slice(-2000),
    );
    const repair = await deploy();
    ok(repair);
    assert.equal(summaries(repair)[e2]?.changed, 2);
    assert.equal((await hostExecResult(e2, `docker pull ${R}/pub/tool:1`)).exitCode, 0);
    assert.deepEqual(await engineIdentity(e2), engineStarts[e2], "trust never restarts the engine");
    // The CA on the control machine half gone: a clear refusal, nothing sent.
    const key = join(r.dir, "ops-registry-ca.key");
    renameSync(key, `${key}.away`);
    const half = await deploy();
    renameSync(`${key}.away`, key);
    assert.notEqual(half.code, 0);
    assert.match(
      half.stderr + half.stdout,
      /the registry CA is half there: .*ops-registry-ca\.crt exists but .*ops-registry-ca\.key is missing/,
    );
  });

  it("the proxy cache serves an image it never saw to an engine whose mirror it is, and keeps it", async () => {
    const e2 = r.engines[1];
    const mirror = JSON.stringify({ registry_mirrors: [`https://${R}:5443`] });
    ok(await installEngineOn(r.inventory, e2, mirror));
    assert.equal(
      await hostExec(
        r.registry,
        "find /var/lib/ops-registry/proxy -path '*repositories/library/nginx*' | head -1",
      ),
      "",
    );
    const pull = await hostExecResult(e2, "docker pull nginx:latest 2>&1");
    assert.equal(pull.exitCode, 0, pull.stdout);
    const held = await hostExec(
      r.registry,
      "find /var/lib/ops-registry/proxy -path '*repositories/library/nginx/_manifests*' | head -1",
    );
    assert.notEqual(held.trim(), "", "the cache holds library/nginx");
    const audit = await cli("registry", "audit", "--output", "json", "--all");
    assert.ok(
      audit.stdout
        .split("\n")
        .some((l) => l.includes('"service":"proxy-cache"') && l.includes("library/nginx")),
    );
    ok(await ops(["run", "install-engine", "-i", r.inventory, "--limit", e2, "--output", "json"]));
  });

  it("the registry host's own engine uses the proxy cache as its mirror, as an inventory host", async () => {
    // dockerd reaches its own host's published port: what nginx sees as the client decides.
    const mirror = JSON.stringify({ registry_mirrors: [`https://${R}:5443`] });
    ok(await installEngineOn(r.inventory, r.registry, mirror));
    const up = await hostExecResult(r.registry, STACK_UP);
    assert.equal(up.exitCode, 0, "the stack is back after the engine's restart");
    const cached =
      "find /var/lib/ops-registry/proxy -path '*repositories/library/registry/_manifests/tags/2/*' | head -1";
    assert.equal(await hostExec(r.registry, cached), "", "the cache never saw registry:2");
    // The lab has no other way to docker.io: the pull succeeds only through the mirror.
    const pull = await hostExecResult(r.registry, "docker pull registry:2 2>&1");
    assert.equal(pull.exitCode, 0, pull.stdout);
    assert.notEqual((await hostExec(r.registry, cached)).trim(), "", "the cache holds registry:2");
    const served = (await proxyAudit()).filter((e) => e.repository === "library/registry");
    assert.ok(served.length > 0, "the pull went through the cache");
    assert.ok(
      served.every((e) => e.user === "" && e.status < 400),
      `served anonymously, never refused: ${JSON.stringify(served)}`,
    );
    // Docker's DNAT of what the host sends to itself keeps its address: the allow list's entry.
    assert.deepEqual([...new Set(served.map((e) => e.client))], [R], "nginx sees the host's own address");
    await hostExec(r.registry, "docker rmi registry:2 >/dev/null");
    ok(await installEngineOn(r.inventory, r.registry));
  });

  it("with userland-proxy: false (CIS 2.16) the registry host's own engine still uses the proxy cache, from the compose network's gateway; outsiders stay refused", async () => {
    const hostLocal = "cat /opt/ops-registry/nginx/host-local.conf";
    const mirror = { registry_mirrors: [`https://${R}:5443`] };
    // What puts the host back, run even when a step failed and judged after it, so no error hides another.
    let engineBack: OpsResult | undefined;
    let stackBack = -1;
    let deployBack: OpsResult | undefined;
    try {
      // The engine without docker-proxy: its own published ports by iptables alone (hairpin NAT).
      const off = JSON.stringify({ ...mirror, docker_daemon_options: { "userland-proxy": false } });
      ok(await installEngineOn(r.inventory, r.registry, off));
      assert.equal((await hostExecResult(r.registry, STACK_UP)).exitCode, 0, "the stack is back");
      assert.equal(
        (await hostExec(r.registry, "pgrep -c -x docker-proxy || true")).trim(),
        "0",
        "no docker-proxy runs",
      );
      const gateway = (
        await hostExec(
          r.registry,
          "docker network inspect -f '{{(index .IPAM.Config 0).Gateway}}' ops-registry_backend",
        )
      ).trim();
      assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/);
      // What the deploy wrote for an engine with the proxy on: its own host is refused by its mirror
      // (the lab has no other way to docker.io, so the pull fails rather than going round it).
      assert.doesNotMatch(await hostExec(r.registry, hostLocal), /^include/m);
      const earlier = (await proxyAudit()).length;
      const before = await hostExecResult(r.registry, "docker pull registry:2 2>&1");
      assert.notEqual(before.exitCode, 0, before.stdout);
      // dockerd asks its mirror for an anonymous token first: refused.
      const refused = (await proxyAudit()).slice(earlier).filter((e) => e.action === "token");
      assert.ok(refused.length > 0 && refused.every((e) => e.status === 401), "refused by its own mirror");
      assert.deepEqual(
        [...new Set(refused.map((e) => e.client))],
        [gateway],
        "from the gateway, masqueraded",
      );
      // The next run reads the engine's setting and counts the gateway as this host.
      ok(await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]));
      assert.match(await hostExec(r.registry, hostLocal), /^include \/tmp\/ops-host-gateway\.conf;$/m);
      assert.equal(
        (
          await hostExec(r.registry, "docker exec ops-registry-nginx-1 sed -n 2p /tmp/ops-host-gateway.conf")
        ).trim(),
        `${gateway} 1;`,
      );
      const seen = (await proxyAudit()).length;
      const pull = await hostExecResult(r.registry, "docker pull registry:2 2>&1");
      assert.equal(pull.exitCode, 0, pull.stdout);
      const served = (await proxyAudit()).slice(seen).filter((e) => e.repository === "library/registry");
      assert.ok(served.length > 0, "the pull went through the cache");
      assert.ok(
        served.every((e) => e.user === "" && e.status < 400 && e.client === gateway),
        `served anonymously from the gateway: ${JSON.stringify(served)}`,
      );
      // This machine is no host of the inventory: still refused, with the gateway counted.
      const ep = { url: `https://${R}:5443`, ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8") };
      const token = await send(ep, "GET", "/ops/token", { headers: { Authorization: "Bearer anonymous" } });
      assert.equal(token.status, 401, "no anonymous token from outside");
    } finally {
      await hostExec(r.registry, "docker rmi registry:2 >/dev/null 2>&1 || true");
      // daemon.json keeps keys ops no longer sets: the proxy goes back on by name.
      const on = JSON.stringify({ docker_daemon_options: { "userland-proxy": true } });
      engineBack = await installEngineOn(r.inventory, r.registry, on);
      stackBack = (await hostExecResult(r.registry, STACK_UP)).exitCode;
      deployBack = await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]);
    }
    ok(engineBack);
    assert.equal(stackBack, 0, "the stack is back with the proxy on");
    ok(deployBack);
    // Back with the proxy on: the gateway no longer counts.
    assert.doesNotMatch(await hostExec(r.registry, hostLocal), /^include/m);
  });

  it("changing one password rewrites htpasswd and reloads nginx; the registry container keeps its ID", async () => {
    const ids = await containerIds(r.registry);
    const master = await hostExec(
      r.registry,
      `docker top ${ids.nginx ?? ""} -o pid,args | grep 'master process' | awk '{print $1}'`,
    );
    passwords = { ...passwords, dev: "dev-Pass-new-9f40" };
    writeRegistryInventory(lab, r.dir, registryVars(lab, passwords));
    const res = await deploy();
    ok(res);
    const reg = summaries(res)[r.registry];
    assert.equal(reg?.changed, 1);
    assert.deepEqual(
      reg?.applied.map((a) => a.resource),
      ["file:/opt/ops-registry/nginx/htpasswd", "handler:registry-nginx-reload"],
    );
    assert.deepEqual(await containerIds(r.registry), ids);
    assert.equal(
      await hostExec(
        r.registry,
        `docker top ${ids.nginx ?? ""} -o pid,args | grep 'master process' | awk '{print $1}'`,
      ),
      master,
    );
    const e1 = r.engines[0];
    assert.doesNotMatch(await dockerLogin(e1, R, "dev", PASSWORDS.dev), /^0 /);
    assert.match(await dockerLogin(e1, R, "dev", passwords.dev), /^0 .*Login Succeeded/s);
  });

  it("bad variables are configuration errors naming the file and line; a port in use fails the host before any change", async () => {
    const stamp = () =>
      hostExec(
        r.registry,
        "find /opt/ops-registry -type f -exec sha256sum {} + | sort; stat -c %Y /opt/ops-registry/nginx/htpasswd",
      );
    const before = await stamp();
    const vars = registryVars(lab, passwords) as {
      registry_projects: { name: string; members?: { user: string; role: string }[] }[];
    };
    const badRole = structuredClone(vars);
    badRole.registry_projects[0]!.members![0]!.role = "owner";
    const dupe = structuredClone(vars);
    dupe.registry_projects.push({ name: "team" });
    const reserved = structuredClone(vars);
    reserved.registry_projects.push({ name: "ops-verify" });
    for (const [bad, pattern] of [
      [badRole, /hosts\.yaml:\d+.*registry_projects\[0\]\.members\[0\]\.role/],
      [dupe, /hosts\.yaml:\d+.*project 'team' is declared twice/],
      [reserved, /hosts\.yaml:\d+.*registry_projects\[\d+\]\.name.*project 'ops-verify' is reserved/],
    ] as const) {
      const file = writeRegistryInventory(lab, r.dir, bad);
      const res = await ops(["run", "deploy-registry", "-i", file]);
      assert.equal(res.code, 1, res.stderr + res.stdout);
      assert.match(res.stderr, pattern);
    }
    writeRegistryInventory(lab, r.dir, registryVars(lab, passwords));
    await hostExec(
      r.registry,
      "nohup python3 -m http.server 8444 >/dev/null 2>&1 & echo $! > /tmp/listener.pid; sleep 1",
    );
    const busy = await deploy("--limit", r.registry, "-e", '{"registry_port": 8444}');
    await hostExec(r.registry, 'kill "$(cat /tmp/listener.pid)"');
    assert.equal(busy.code, 2);
    assert.equal(summaries(busy)[r.registry]?.status, "failed");
    assert.match(failures(busy, r.registry).join(" "), /port 8444 is in use on this host by another program/);
    assert.ok(!busy.events.some((e) => e.kind === "step-ran" && e.host === r.registry));
    assert.equal(await stamp(), before, "a file on the registry host changed");
  });

  it("no password reaches pretty, JSON or JUnit output, a diff, or any process list", async () => {
    passwords = { ...passwords, guest: "guest-Pass-new-e215" };
    writeRegistryInventory(lab, r.dir, registryVars(lab, passwords));
    const seen = new Set<string>();
    let sampling = true;
    const sample = (async () => {
      while (sampling) {
        const local = await $`ps -eo args`.nothrow();
        const remote = await $`docker exec ops-lab-${r.registry} ps -eo args`.nothrow();
        for (const p of secretsIn(local.stdout + remote.stdout)) seen.add(p);
      }
    })();
    const pretty = await ops(["run", "deploy-registry", "-i", r.inventory, "--diff"]);
    sampling = false;
    await sample;
    ok(pretty);
    assert.match(pretty.stdout, /htpasswd/);
    const json = await deploy("--diff", "-e", '{"registry_gc_schedule": "Sun 03:00"}');
    ok(json);
    const junit = await ops(["verify", "-p", "deploy-registry", "-i", r.inventory, "--output", "junit"]);
    assert.match(junit.stdout, /<testsuite/);
    for (const out of [pretty, json, junit]) assert.deepEqual(secretsIn(out.stdout + out.stderr), []);
    assert.deepEqual([...seen], [], "a password was in a process's arguments");
  });

  it("the GC timer takes the host's run lock: skipped while an ops run holds it, collects and releases it otherwise", async () => {
    ok(await deploy("-e", '{"registry_gc_schedule": "Sun 03:00"}'));
    const unit = "ops-registry-gc.service";
    const state = async () =>
      (await hostExec(r.registry, `systemctl show -p Result -p ExecMainStatus ${unit}`)).trim();
    const held = "owner=alice@laptop\nrun=r-e2e\nstarted=2026-12-01T10:00:00Z\n";
    await hostExec(r.registry, `printf '${held}' > /run/ops.lock`);
    const ids = await containerIds(r.registry);
    await hostExec(r.registry, `systemctl start ${unit}`);
    assert.match(await state(), /ExecMainStatus=75/, "skipped while a run held the lock");
    assert.match(await state(), /Result=success/, "a skipped collection is not a failed unit");
    assert.equal(await hostExec(r.registry, "cat /run/ops.lock"), held);
    assert.deepEqual(await containerIds(r.registry), ids, "nothing was restarted");

    await hostExec(r.registry, "rm -f /run/ops.lock");
    await hostExec(r.registry, `systemctl start ${unit}`);
    assert.match(await state(), /ExecMainStatus=0/);
    assert.notEqual((await containerIds(r.registry)).registry, ids.registry, "the collection ran");
    assert.equal(
      (await hostExecResult(r.registry, "test -e /run/ops.lock")).exitCode,
      1,
      "the lock is released",
    );
  });

  it("ops registry ls, users and audit show the images, the roles and who did what", async () => {
    const ls = await cli("registry", "ls");
    ok(ls);
    assert.match(ls.stdout, /^team\s+team\/app\s+v1\s+sha256:/m);
    assert.doesNotMatch(ls.stdout, /team\/big/);
    const users = await cli("registry", "users");
    ok(users);
    assert.match(users.stdout, /^robot\$ci\s+robot\s+team:developer$/m);
    assert.match(users.stdout, /public projects \(anyone pulls\): pub/);
    const audit = await cli("registry", "audit", "--project", "team");
    ok(audit);
    assert.match(audit.stdout, /dev\s+push\s+team\/app:v1/);
    assert.match(audit.stdout, /guest\s+DENIED push\s+team\/app/);
    assert.match(audit.stdout, /keeper\s+delete\s+team\/big@sha256:/);
    const mine = await cli("registry", "audit", "--user", "guest", "--action", "pull", "--output", "json");
    ok(mine);
    const events = mine.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { user: string; action: string });
    assert.ok(events.length > 0 && events.every((e) => e.user === "guest" && e.action === "pull"));
    assert.deepEqual(secretsIn(ls.stdout + users.stdout + audit.stdout), []);
  });

  it("guard: the proxy cache refuses an anonymous pull from outside the inventory, serves a member who logs in", async () => {
    // This machine is no host of the inventory: what anyone on the network would get.
    const ep = { url: `https://${R}:5443`, ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8") };
    const path = "/v2/library/busybox/manifests/latest";
    const accept = { Accept: MANIFEST_TYPES.join(", ") };
    const anon = await send(ep, "GET", path, { headers: accept });
    assert.equal(anon.status, 401, anon.body.toString());
    assert.match(
      String(anon.headers["www-authenticate"]),
      /^Bearer realm="https:\/\/[^"]+:5443\/ops\/token"/,
    );
    const token = await send(ep, "GET", "/ops/token", { headers: { Authorization: "Bearer anonymous" } });
    assert.equal(token.status, 401, "no anonymous token from outside either");
    const member = await send(ep, "GET", path, {
      headers: accept,
      credentials: { user: "guest", password: passwords.guest },
    });
    assert.equal(member.status, 200, member.body.toString());
    const other = await send(ep, "GET", path, {
      headers: accept,
      credentials: { user: "dev", password: passwords.dev },
    });
    assert.equal(other.status, 403, "an account that is no member");
    const push = await send(ep, "POST", "/v2/library/busybox/blobs/uploads/", {
      credentials: { user: "guest", password: passwords.guest },
    });
    assert.equal(push.status, 403, "the cache is read-only, even for a member");
    // An inventory host (not the registry's) still pulls anonymously, as its engine's mirror does.
    const e1 = r.engines[0];
    const fromHost = await hostExec(
      e1,
      `curl -s -o /dev/null -w '%{http_code}' --cacert /etc/docker/certs.d/${R}:5443/ca.crt -H 'Accept: ${MANIFEST_TYPES.join(", ")}' https://${R}:5443${path}`,
    );
    assert.equal(fromHost.trim(), "200");
    const audit = await cli("registry", "audit", "--failed", "--output", "json");
    ok(audit);
    assert.ok(
      audit.stdout
        .split("\n")
        .some((l) => l.includes('"service":"proxy-cache"') && l.includes('"status":401')),
      "the refusal is in the audit log",
    );
  });

  it("guard: 50 wrong passwords from one client are throttled and logged; another client logs in; unknown and known names take the same time", async () => {
    const [attacker, other] = r.engines;
    const ca = `/etc/docker/certs.d/${R}/ca.crt`;
    const base = `https://${R}/v2/`;
    // Timing first, paced under the rate limit: known name with a wrong password, then an unknown name,
    // 20 of each, interleaved, on one kept-alive connection (what a guesser measures).
    // curl resets per-transfer options at each --next; the connection is kept.
    const one = (user: string, fmt: string) =>
      `--cacert ${ca} -o /dev/null -w '${fmt}\\n' -u ${user} ${base}`;
    const pairs = Array.from(
      { length: 20 },
      (_, i) =>
        `${one(`dev:wrong-${i}`, "%{http_code} %{time_total}")} --next ${one(`nosuchuser${i}:wrong-${i}`, "%{http_code} %{time_total}")}`,
    );
    const timed = await hostExec(attacker, `curl -s --rate 4/s ${pairs.join(" --next ")}`);
    const rows = timed
      .trim()
      .split("\n")
      .map((l) => l.split(" "));
    assert.equal(rows.length, 40, timed);
    assert.ok(
      rows.every(([code]) => code === "401"),
      timed,
    );
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const known = median(rows.filter((_, i) => i % 2 === 0).map(([, t]) => Number(t)));
    const unknown = median(rows.filter((_, i) => i % 2 === 1).map(([, t]) => Number(t)));
    figures["refusal time, known / unknown name (median of 20)"] =
      `${(known * 1000).toFixed(1)} ms / ${(unknown * 1000).toFixed(1)} ms = ${(known / unknown).toFixed(2)}`;
    assert.ok(
      known / unknown < 1.5 && unknown / known < 1.5,
      figures["refusal time, known / unknown name (median of 20)"],
    );

    const burst = Array.from({ length: 50 }, (_, i) => one(`dev:guess-${i}`, "%{http_code}")).join(
      " --next ",
    );
    const codes = (await hostExec(attacker, `curl -s ${burst}`)).trim().split("\n");
    assert.equal(codes.length, 50);
    const throttled = codes.filter((c) => c === "429").length;
    figures["50 wrong passwords in a burst"] =
      `${codes.filter((c) => c === "401").length} refused (401), ${throttled} throttled (429)`;
    assert.ok(throttled >= 30, figures["50 wrong passwords in a burst"]);
    assert.ok(
      codes.every((c) => c === "401" || c === "429"),
      codes.join(" "),
    );
    // Meanwhile another client logs in at once.
    assert.match(await dockerLogin(other, R, "dev", passwords.dev), /^0 .*Login Succeeded/s);
    const audit = await cli("registry", "audit", "--failed", "--action", "login", "--output", "json");
    ok(audit);
    const attackerAddress = lab.hosts.find((h) => h.name === attacker)?.address ?? "";
    const logins = audit.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { user: string; client: string; status: number });
    const mine = logins.filter((e) => e.client === attackerAddress);
    assert.ok(mine.length >= 90, `${mine.length} failed logins logged from ${attackerAddress}`);
    assert.ok(mine.some((e) => e.user === "nosuchuser0" && e.status === 401));
    assert.equal(mine.filter((e) => e.status === 429).length, throttled);
  });

  it("guard: an oras-style artifact attaches to an image, is discovered through the referrers fallback and pulls; deny by default", async () => {
    const ep = { url: `https://${R}`, ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8") };
    const dev = { user: "dev", password: passwords.dev };
    const guest = { user: "guest", password: passwords.guest };
    const image = await pushImage(ep, dev, "team/signed", "1");
    assert.equal(image.answer.status, 201, image.answer.body.toString());
    const head = await send(ep, "HEAD", `/v2/team/signed/manifests/${image.manifest}`, {
      credentials: dev,
      headers: { Accept: MANIFEST_TYPES.join(", ") },
    });
    assert.equal(head.status, 200);
    const subject = {
      mediaType: String(head.headers["content-type"]),
      digest: String(head.headers["docker-content-digest"]),
      size: Number(head.headers["content-length"]),
    };
    const type = "application/vnd.example.sbom.v1+json";
    const sbom = Buffer.from(JSON.stringify({ sbom: "e2e", at: Date.now() }));
    const pushed = await attachArtifact(ep, dev, "team/signed", subject, type, type, sbom);
    assert.equal(pushed.referrersStatus, 404);
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const found = await listReferrers(ep, guest, "team/signed", subject.digest);
    assert.equal(found.api.status, 404);
    assert.ok(found.list.some((d) => d.digest === pushed.manifest.digest && d.artifactType === type));
    const pulled = await pullArtifact(ep, guest, "team/signed", pushed.manifest.digest);
    assert.deepEqual([pulled.status, pulled.content.toString()], [200, sbom.toString()]);
    const byGuest = await attachArtifact(ep, guest, "team/signed", subject, type, type, Buffer.from("x"));
    assert.equal(byGuest.answer.status, 403);
    // Deny by default: an unmatched method or path is refused whoever asks.
    const root = { user: "root", password: passwords.root };
    for (const [method, p] of [
      ["OPTIONS", "/v2/team/app/manifests/v1"],
      ["GET", "/v2/team/app/unknown/x"],
      ["GET", "/v2/app/manifests/v1"],
    ] as const)
      assert.equal((await send(ep, method, p, { credentials: root })).status, 403, `${method} ${p}`);
    const odd = await pushImageAs(ep, dev, "team/x/blobs/uploads/y");
    const del = await send(ep, "DELETE", `/v2/team/x/blobs/uploads/y/blobs/${odd}`, { credentials: dev });
    assert.equal(del.status, 403, "a developer's blob delete, whatever the repository's name");
  });

  it("guard: the audit log rotates by size, nginx writes on, and ops registry audit reads every file", async () => {
    ok(await deploy("-e", '{"registry_audit_rotate_mb": 1}'));
    const dir = "/var/lib/ops-registry/audit";
    // Traffic stand-in: 1.2 MiB of the log's own last line, so the file passes the threshold.
    await hostExec(
      r.registry,
      `l=$(tail -n 1 ${dir}/audit.log); for i in $(seq 3000); do echo "$l"; done >> ${dir}/audit.log`,
    );
    const before = Number(await hostExec(r.registry, `wc -l < ${dir}/audit.log`));
    await hostExec(r.registry, "systemctl start ops-registry-audit.service");
    assert.equal(Number(await hostExec(r.registry, `wc -l < ${dir}/audit.log.1`)), before);
    const ep = { url: `https://${R}`, ca: readFileSync(join(r.dir, "ops-registry-ca.crt"), "utf8") };
    assert.equal(
      (await send(ep, "GET", "/v2/", { credentials: { user: "dev", password: passwords.dev } })).status,
      200,
    );
    assert.match(await hostExec(r.registry, `tail -n 1 ${dir}/audit.log`), /"user":"dev","action":"base"/);
    const all = await cli("registry", "audit", "--all", "--output", "json");
    ok(all);
    const count = all.stdout.trim().split("\n").length;
    assert.ok(count >= before + 1, `${count} events read, ${before} in the rotated file alone`);
    assert.equal(
      (await send(ep, "GET", "/ops/audit/1", { credentials: { user: "dev", password: passwords.dev } }))
        .status,
      403,
      "rotated logs are for system admins only",
    );
  });

  it("registry_state: absent removes the stack and the engines' trust, keeps the data unless --yes", async () => {
    const absent = JSON.stringify({ registry_state: "absent" });
    const res = await deploy("-e", absent);
    ok(res);
    assert.equal(
      (
        await hostExec(r.registry, "docker ps -q --filter label=com.docker.compose.project=ops-registry")
      ).trim(),
      "",
    );
    assert.equal((await hostExecResult(r.registry, "test -e /opt/ops-registry")).exitCode, 1);
    assert.match(await hostExec(r.registry, "ls /var/lib/ops-registry/registry"), /docker/);
    for (const h of r.engines)
      assert.equal((await hostExecResult(h, `test -e /etc/docker/certs.d/${R}:443/ca.crt`)).exitCode, 1);
    const again = await deploy("-e", absent);
    ok(again);
    assert.ok(Object.values(summaries(again)).every((s) => s.status === "ok" && s.commands === 1));
    ok(await deploy("-e", absent, "--yes"));
    assert.equal((await hostExecResult(r.registry, "test -e /var/lib/ops-registry")).exitCode, 1);
  });

  it("plain HTTP: verify's round trip goes through each engine's insecure-registries; an engine without the entry fails, the next run repairs it", async () => {
    // A fresh plain-HTTP stack (the previous test removed the TLS one and its data), on port 5000.
    const plain = JSON.stringify({ registry_tls: false, registry_port: 5000 });
    const P = `${r.address}:5000`;
    const hosts = [r.registry, ...r.engines];
    const verify = () =>
      ops(["verify", "-p", "deploy-registry", "-i", r.inventory, "--output", "json", "-e", plain]);
    const insecure = async (h: string) =>
      (
        JSON.parse(
          (await hostExec(h, "docker info --format '{{json .RegistryConfig.IndexConfigs}}'")) || "{}",
        ) as Record<string, { Secure: boolean }>
      )[P]?.Secure === false;
    try {
      ok(await deploy("-e", plain));
      for (const h of hosts) assert.equal(await insecure(h), true, `${h} trusts ${P} as plain HTTP`);
      const pass = await verify();
      ok(pass);
      for (const h of hosts) {
        assert.equal(roundTrips(pass)[h]?.status, "pass", JSON.stringify(roundTrips(pass)[h]));
        assert.match(
          roundTrips(pass)[h]?.message ?? "",
          new RegExp(`^pulled ${P}/ops-verify/[0-9a-f]+@sha256:`),
        );
      }
      assert.deepEqual(await hostLeftovers(hosts), []);

      // e2 loses its insecure-registries entry (dockerd reloads it on SIGHUP, no restart).
      const e2 = r.engines[1];
      await hostExec(
        e2,
        `python3 -c 'import json; p="/etc/docker/daemon.json"; d=json.load(open(p)); d["insecure-registries"]=[x for x in d.get("insecure-registries", []) if x != "${P}"]; json.dump(d, open(p, "w"))' && systemctl reload docker`,
      );
      for (let i = 0; i < 50 && (await insecure(e2)); i++) await new Promise((res) => setTimeout(res, 100));
      assert.equal(await insecure(e2), false, "e2 no longer trusts the plain-HTTP registry");
      const broken = await verify();
      assert.equal(broken.code, 2, broken.stderr);
      const after = roundTrips(broken);
      assert.equal(after[e2]?.status, "fail", JSON.stringify(after[e2]));
      assert.match(
        after[e2]?.message ?? "",
        /speaks HTTPS to .*serves plain HTTP \(insecure-registries is missing\)/,
      );
      assert.match(after[e2]?.hint ?? "", /adds a plain-HTTP registry to insecure-registries/);
      for (const h of [r.registry, r.engines[0]])
        assert.equal(after[h]?.status, "pass", JSON.stringify(after[h]));
      assert.deepEqual(await hostLeftovers(hosts), []);

      ok(await deploy("-e", plain));
      assert.equal(await insecure(e2), true, "the run put the entry back");
      const repaired = await verify();
      ok(repaired);
      for (const h of hosts) assert.equal(roundTrips(repaired)[h]?.status, "pass");
    } finally {
      ok(
        await deploy(
          "-e",
          JSON.stringify({ registry_tls: false, registry_port: 5000, registry_state: "absent" }),
          "--yes",
        ),
      );
    }
    for (const h of hosts)
      assert.equal(await insecure(h), false, `absent took ${P} out of ${h}'s insecure-registries`);
  });

  after(() => {
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`      figure: ${k}: ${v}\n`);
  });
});
