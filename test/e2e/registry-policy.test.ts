/**
 * The registry's policy service on the lab, as docker meets it: a push over an immutable tag and a
 * push over a project's quota refused with docker's own "denied:" line and nothing stored, a webhook
 * receiver getting exactly one signed event per push, metrics scraped by a lab host and refused to
 * another, and a robot refused from the instant it expires, with no run in between.
 */
import { strict as assert } from "node:assert";
import { createHmac, randomBytes } from "node:crypto";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostExec, hostExecResult, labUp, readLab, recreateHost } from "../lab/lab.js";
import { ops, type OpsResult } from "./helpers/ops-cli.js";
import {
  PASSWORDS,
  dockerLogin,
  registryLab,
  registryVars,
  writeRegistryInventory,
  type RegistryLab,
} from "./helpers/registry.js";

const SECRET = randomBytes(16).toString("hex");
const ROBOT_PASSWORD = "robot-Temp-9f31";
const QUOTA_MIB = 6;

interface Hook {
  headers: IncomingMessage["headers"];
  body: string;
}

describe("registry policy on lab hosts", function () {
  this.timeout(900_000);
  let r: RegistryLab;
  let R: string;
  let receiver: Server;
  const hooks: Hook[] = [];
  /** Writes the inventory with the robot's expiry (set in `before`). */
  let write: (expires: string) => void = () => undefined;
  /** How long the first deploy-registry took: the robot test's run takes about as long. */
  let deployMs = 0;
  const ok = (res: OpsResult) => assert.equal(res.code, 0, `${res.stderr}\n${res.stdout.slice(-3000)}`);

  const events = (type: string) =>
    hooks.filter((h) => h.headers["x-ops-event"] === type).map((h) => JSON.parse(h.body) as HookBody);
  interface HookBody {
    type: string;
    operator: string;
    event_data: {
      resources: { tag: string; digest: string; resource_url: string }[];
      repository: { repo_full_name: string };
    };
  }
  /** Waits until the receiver has `n` events (deliveries are in the background), of `type` if given. */
  async function hooksReach(n: number, type?: string, ms = 10_000): Promise<void> {
    const count = () => (type === undefined ? hooks.length : events(type).length);
    for (const end = Date.now() + ms; Date.now() < end && count() < n;)
      await new Promise((res) => setTimeout(res, 100));
  }

  before(async () => {
    // Fresh registry and scraper hosts (new storage, no earlier state); the engine host is kept.
    for (const h of ["el9-1", "el9-3"]) await recreateHost(h);
    await labUp({ el9: 3 });
    const lab = readLab();
    // The webhook receiver: on this machine's address on the lab network, which the registry reaches.
    const gateway = lab.subnet.replace(/\.0\/\d+$/, ".1");
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(204).end();
      });
    });
    receiver.listen(0, gateway);
    await once(receiver, "listening");
    const hookUrl = `http://${gateway}:${(receiver.address() as AddressInfo).port}/hook`;
    r = registryLab(lab);
    R = r.address;
    const scraper = lab.hosts[2]?.address ?? "";
    const vars = (expires: string) => {
      const base = registryVars(lab);
      return {
        ...base,
        registry_images: { registry: "registry:2.8.2", nginx: "nginx:1.22.1", policy: "node:20" },
        registry_users: [
          ...(base.registry_users as object[]),
          { name: "temp", password: ROBOT_PASSWORD, robot: true, expires },
        ],
        registry_projects: [
          ...(base.registry_projects as object[]),
          {
            name: "policy",
            members: [
              { user: "dev", role: "developer" },
              { user: "robot$temp", role: "developer" },
            ],
            immutable_tags: ["v*"],
            quota: `${QUOTA_MIB}MiB`,
          },
        ],
        registry_webhooks: [
          {
            name: "ci",
            project: "policy",
            url: hookUrl,
            events: ["PUSH_ARTIFACT", "PULL_ARTIFACT", "QUOTA_EXCEED"],
            secret: SECRET,
          },
        ],
        registry_metrics: { port: 9464, allow: [scraper] },
      };
    };
    // Dates unquoted, as users write them: the YAML reader keeps them as the text written.
    write = (expires: string): void => {
      const file = writeRegistryInventory(lab, r.dir, vars(expires));
      writeFileSync(file, readFileSync(file, "utf8").replace(/expires: "?([^"\s]+)"?/g, "expires: $1"));
      assert.match(readFileSync(file, "utf8"), /expires: \d{4}-\d{2}-\d{2}(T\S+)?\n/);
    };
    write("2099-01-01");
    ok(await ops(["run", "install-engine", "-i", r.inventory, "--output", "json"]));
    const started = Date.now();
    ok(await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]));
    deployMs = Date.now() - started;
    assert.match(await dockerLogin(r.engines[0], R, "dev", PASSWORDS.dev), /^0 /);
    await hostExec(r.engines[0], "docker pull -q busybox");
    await hostExec(
      r.engines[0],
      "mkdir -p /tmp/pol && cd /tmp/pol && printf 'FROM busybox\\nRUN echo second > /second\\n' > Dockerfile.second && " +
        `head -c ${(QUOTA_MIB + 1) * 1024 * 1024} /dev/urandom > big && printf 'FROM busybox\\nCOPY big /big\\n' > Dockerfile.big`,
    );
  });

  after(() => {
    receiver?.close();
  });

  /** policy/app:v1 as first pushed: the other engine has never fetched its manifest. */
  let v1Digest = "";
  it("an immutable tag: docker's push over it is denied and the tag stays; a new tag is allowed; one signed event per push", async () => {
    const e1 = r.engines[0];
    const first = await hostExec(
      e1,
      `docker tag busybox ${R}/policy/app:v1 && docker push ${R}/policy/app:v1 2>&1`,
    );
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(first)?.[1];
    assert.ok(digest, first);
    v1Digest = digest;
    await hostExec(e1, `docker build -q -t ${R}/policy/app:v1 -f /tmp/pol/Dockerfile.second /tmp/pol`);
    const moved = await hostExecResult(e1, `docker push ${R}/policy/app:v1 2>&1`);
    assert.notEqual(moved.exitCode, 0, moved.stdout);
    assert.match(moved.stdout, /denied: the tag policy\/app:v1 is immutable and cannot be overwritten/);
    const head = await hostExec(
      e1,
      `curl -sS -o /dev/null -D - -u dev:${PASSWORDS.dev} --cacert /etc/docker/certs.d/${R}/ca.crt -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -I https://${R}/v2/policy/app/manifests/v1`,
    );
    assert.match(
      head,
      new RegExp(`docker-content-digest: ${digest}`, "i"),
      "v1 still points at the first push",
    );
    await hostExec(e1, `docker tag ${R}/policy/app:v1 ${R}/policy/app:v2 && docker push ${R}/policy/app:v2`);
    await hooksReach(2);
    const pushes = events("PUSH_ARTIFACT");
    assert.deepEqual(
      pushes.map((e) => [e.operator, e.event_data.resources[0]?.tag]),
      [
        ["dev", "v1"],
        ["dev", "v2"],
      ],
      "exactly one event per push, none for the refused one",
    );
    for (const h of hooks) {
      const mac = `sha256=${createHmac("sha256", SECRET).update(h.body).digest("hex")}`;
      assert.equal(h.headers["x-ops-signature-256"], mac);
    }
  });

  it("a quota: docker's push beyond it is denied, the event says so, and the big layer is not stored", async () => {
    const e1 = r.engines[0];
    await hostExec(e1, `docker build -q -t ${R}/policy/big:1 -f /tmp/pol/Dockerfile.big /tmp/pol`);
    const push = await hostExecResult(e1, `docker push ${R}/policy/big:1 2>&1`);
    assert.notEqual(push.exitCode, 0, push.stdout);
    assert.match(push.stdout, /denied: the storage quota of project policy would be exceeded/);
    await hooksReach(3);
    assert.equal(events("QUOTA_EXCEED").length >= 1, true, JSON.stringify(hooks.map((h) => h.body)));
    const large = await hostExec(
      r.registry,
      "find /var/lib/ops-registry/registry/docker/registry/v2/blobs -name data -size +5M | wc -l",
    );
    assert.equal(large.trim(), "0", "no blob of the refused push's size is stored");
    const tags = await hostExecResult(
      r.registry,
      "ls /var/lib/ops-registry/registry/docker/registry/v2/repositories/policy/big/_manifests/tags",
    );
    assert.notEqual(tags.exitCode, 0, "no tag for the refused push");
  });

  it("metrics: a lab host allowed scrapes Prometheus text with the project's usage; another is refused", async () => {
    const [scraper, other] = [readLab().hosts[2]?.name ?? "el9-3", r.engines[0]];
    const text = await hostExec(scraper, `curl -sS -f http://${R}:9464/metrics`);
    const usage = Number(/^ops_registry_project_usage_bytes\{project="policy"\} (\d+)$/m.exec(text)?.[1]);
    assert.ok(usage > 0 && usage <= QUOTA_MIB * 1024 * 1024, `usage ${usage}`);
    assert.match(text, /^ops_policy_decisions_total\{action="push",result="immutable"\} [1-9]/m);
    assert.match(text, /^registry_http_requests_total\{/m, "the registry's own series");
    const refused = await hostExec(other, `curl -s -o /dev/null -w '%{http_code}' http://${R}:9464/metrics`);
    assert.equal(refused.trim(), "403");
  });

  /** The policy service's container on the registry host, as compose named it. */
  const POLICY = `$(docker ps -aq --filter label=com.docker.compose.service=policy)`;
  it("pulls: one signed PULL_ARTIFACT per manifest pulled, with the account", async () => {
    const e2 = r.engines[1];
    const image = `${R}/policy/app`;
    assert.match(await dockerLogin(e2, R, "dev", PASSWORDS.dev), /^0 /);
    await hostExec(e2, `docker rmi -f ${image}:v2 >/dev/null 2>&1 || true; docker pull -q ${image}:v2`);
    const digest = (await hostExec(e2, `docker inspect -f '{{index .RepoDigests 0}}' ${image}:v2`))
      .trim()
      .split("@")[1];
    assert.match(digest ?? "", /^sha256:[0-9a-f]{64}$/);
    await hooksReach(1, "PULL_ARTIFACT");
    const [first] = events("PULL_ARTIFACT");
    assert.equal(events("PULL_ARTIFACT").length, 1, "one manifest fetched, one event");
    assert.equal(first?.operator, "dev");
    assert.equal(first?.event_data.repository.repo_full_name, "policy/app");
    const res = first?.event_data.resources[0];
    assert.equal(res?.digest, digest);
    // dockerd asks for the tag itself, or for the digest it resolved with a HEAD (no event).
    assert.ok(
      res?.resource_url === `${R}/policy/app:v2` || res?.resource_url === `${R}/policy/app@${digest}`,
      JSON.stringify(res),
    );
    signedAlike();
  });

  it("pulls: a pull while the service is stopped is sent once it is back", async () => {
    const e2 = r.engines[1];
    // A manifest this engine never fetched: dockerd answers a pull by digest from its own content
    // store while it still holds that manifest (the one it just pulled, until containerd collects
    // it), and such a pull never reaches the registry, so no registry can see it.
    const digest = v1Digest;
    assert.match(digest, /^sha256:[0-9a-f]{64}$/, "the immutable-tag test before this one ran");
    // The service stopped: pulls go on (they never pass through it), their events come once it is back.
    await hostExec(r.registry, `docker stop ${POLICY} >/dev/null`);
    try {
      await hostExec(e2, `docker pull -q ${R}/policy/app@${digest}`);
    } finally {
      await hostExec(r.registry, `docker start ${POLICY} >/dev/null`);
    }
    await hooksReach(2, "PULL_ARTIFACT", 60_000);
    const pulls = events("PULL_ARTIFACT");
    if (pulls.length !== 2) assert.fail(`${JSON.stringify(pulls)}\n${await pullTrail(digest)}`);
    assert.deepEqual(pulls[1]?.event_data.resources[0], {
      digest,
      tag: "",
      resource_url: `${R}/policy/app@${digest}`,
    });
    signedAlike();
  });

  /**
   * Where a pull's event stopped, for a failure's message: nginx's lines for its manifest, the
   * service's place in that log, its state and its last words.
   */
  async function pullTrail(digest: string): Promise<string> {
    const data = "/var/lib/ops-registry";
    const trail = await hostExecResult(
      r.registry,
      `grep -h '"kind":"manifest".*${digest}' ${data}/audit/audit.log* | tail -5; ls -li ${data}/audit; ` +
        `cat ${data}/policy/.audit-place; ls -la ${data}/policy; ` +
        `docker inspect -f '{{.State.Status}} started {{.State.StartedAt}} restarts {{.RestartCount}}' ${POLICY}; ` +
        `docker logs -t --tail 20 ${POLICY} 2>&1`,
    );
    return `${trail.stdout}${trail.stderr}`;
  }

  /** Every PULL_ARTIFACT delivery carries the HMAC of its body under the webhook's secret. */
  function signedAlike(): void {
    for (const h of hooks.filter((x) => x.headers["x-ops-event"] === "PULL_ARTIFACT")) {
      const mac = `sha256=${createHmac("sha256", SECRET).update(h.body).digest("hex")}`;
      assert.equal(h.headers["x-ops-signature-256"], mac);
    }
  }

  it("a robot with an expiry pushes until that instant and is refused from it, with no run in between", async () => {
    const e1 = r.engines[0];
    // A run sets the expiry a little after its own end (measured by the first deploy; doubled if
    // this run is slower), so the wait is that margin plus nginx's login cache, not a fixed 2 minutes.
    let margin = deployMs + 15_000;
    let expiry = 0;
    for (let round = 1; ; round++) {
      expiry = Math.ceil((Date.now() + margin) / 1000) * 1000;
      write(new Date(expiry).toISOString().replace(/\.000Z$/, "Z"));
      ok(await ops(["run", "deploy-registry", "-i", r.inventory, "--output", "json"]));
      if (Date.now() < expiry - 10_000) break;
      assert.ok(
        round < 3,
        `deploy-registry took longer than the robot's lifetime (${margin} ms) ${round} times`,
      );
      margin *= 2;
    }
    assert.match(await dockerLogin(e1, R, "robot$temp", ROBOT_PASSWORD), /^0 /);
    await hostExec(e1, `docker tag busybox ${R}/policy/app:r1 && docker push ${R}/policy/app:r1`);
    assert.ok(Date.now() < expiry, "the push before the expiry ended after it");
    // Verified logins are remembered 10 s (nginx's cache): refused at most that long after expiry.
    await new Promise((res) => setTimeout(res, Math.max(0, expiry + 11_000 - Date.now())));
    await hostExec(e1, `docker tag busybox ${R}/policy/app:r2`);
    const push = await hostExecResult(e1, `docker push ${R}/policy/app:r2 2>&1`);
    assert.notEqual(push.exitCode, 0, push.stdout);
    const login = await dockerLogin(e1, R, "robot$temp", ROBOT_PASSWORD);
    assert.doesNotMatch(login, /^0 /);
    assert.match(login, /expired/);
  });
});
