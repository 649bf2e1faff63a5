/**
 * The policy service in the real stack: the lab's nginx, Distribution and node images, the configs
 * renderStack writes with the policy on. What nginx sends it and what it answers, end to end over
 * HTTPS: an expired robot's refusal with its reason, an immutable tag, a quota, the metrics port,
 * webhook events kept across a restart, pull events read from nginx's own audit log (also those made
 * while the service was stopped).
 */
import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { $ } from "../../lab/sh.js";
import { ensureServiceImage } from "../../lab/service-images.js";
import { createCa, signServer } from "../../../src/registry/x509.js";
import { send, type Credentials, type Endpoint } from "../../../src/registry/http.js";
import { registryModel } from "../../../src/registry/model.js";
import { policyConfig } from "../../../src/registry/policy-config.js";
import { renderStack } from "../../../src/registry/stack.js";
import { policyServerSource } from "../../../src/registry/policy-bundle.js";
import { startLocalStack, storageEntries, type LocalStack } from "./support/local-stack.js";
import { digestOf, pushBlob, pushImage } from "./support/push.js";
import { sampleSpec, varsWith } from "./support/sample.js";

const EXPIRY = "2026-01-01";
const HOOK_SECRET = "0123456789abcdef0123";
/** A webhook receiver on the lab's node image: prints each delivery as a JSON line, answers 204. */
const RECEIVER = `require("http").createServer((q, s) => { let b = ""; q.on("data", (c) => (b += c)); q.on("end", () => { console.log(JSON.stringify({ id: q.headers["x-ops-delivery"], sig: q.headers["x-ops-signature-256"], body: b })); s.writeHead(204).end(); }); }).listen(8080);`;

describe("registry stack with the policy service, on a real engine", function () {
  this.timeout(180_000);
  let stack: LocalStack;
  let ep: Endpoint;
  const dev: Credentials = { user: "dev", password: "dev-password-1" };
  const robot: Credentials = { user: "robot$ci", password: "robot-password-1" };

  before(async () => {
    const vars = varsWith({
      registry_users: [
        { name: "dev", password: dev.password },
        { name: "ci", password: robot.password, robot: true, expires: EXPIRY },
      ],
      registry_projects: [
        {
          name: "team",
          members: [
            { user: "dev", role: "developer" },
            { user: "robot$ci", role: "developer" },
          ],
          immutable_tags: ["v*"],
          quota: "64KiB",
        },
      ],
      registry_metrics: { port: 9464, allow: ["0.0.0.0/0"] },
      // `receiver` is no one until the restart test starts it on the stack's network.
      registry_webhooks: [
        {
          name: "ci",
          project: "team",
          url: "http://receiver:8080/hook",
          events: ["PUSH_ARTIFACT", "PULL_ARTIFACT"],
          secret: HOOK_SECRET,
        },
      ],
    });
    const now = new Date();
    const ca = await createCa("unit CA", now);
    const tls = await signServer(ca, { dns: ["registry.test"], ips: [] }, now, 30);
    // The run that rendered this ran before the robot's expiry: it is still in htpasswd, and only
    // the policy service's clock refuses it.
    const model = registryModel(vars, Date.parse("2025-12-31T00:00:00Z"));
    const spec = sampleSpec({
      serverName: "registry.test",
      proxyCache: null,
      policy: {
        server: policyServerSource(),
        config: JSON.stringify(policyConfig(vars)),
        secret: false,
        metrics: { port: 9464, allow: ["0.0.0.0/0"] },
      },
    });
    stack = await startLocalStack(renderStack(spec, model, tls), model.accounts);
    ep = { url: `https://${stack.nginxAddress}`, ca: ca.certPem, servername: "registry.test" };
  });
  after(async () => {
    if (stack !== undefined) await $`docker rm -f ${`${stack.id}-receiver`}`.nothrow();
    await stack?.remove();
  });

  it("an expired robot is refused at login and on every request, with the reason; others log in", async () => {
    const token = await send(ep, "GET", "/ops/token", { credentials: robot });
    assert.equal(token.status, 401);
    assert.match(token.body.toString(), /account robot\$ci expired at 2026-01-01T00:00:00\.000Z/);
    const push = await pushBlob(ep, robot, "team/app", Buffer.from("x"));
    assert.equal(push.status, 401);
    assert.equal((await send(ep, "GET", "/ops/token", { credentials: dev })).status, 200);
  });

  it("an immutable tag: a push that would move it is refused with an OCI error and stores no tag move", async () => {
    const first = await pushImage(ep, dev, "team/app", "v1");
    assert.equal(first.answer.status, 201, first.answer.body.toString());
    const moved = await pushImage(ep, dev, "team/app", "v1");
    assert.equal(moved.answer.status, 403);
    const body = JSON.parse(moved.answer.body.toString()) as { errors: { code: string; message: string }[] };
    assert.equal(body.errors[0]?.code, "DENIED");
    assert.match(body.errors[0]?.message ?? "", /team\/app:v1 is immutable/);
    const now = await send(ep, "HEAD", "/v2/team/app/manifests/v1", {
      credentials: dev,
      headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    assert.equal(now.headers["docker-content-digest"], first.manifest, "v1 still points at the first push");
    assert.deepEqual(
      await storageEntries(stack.registry, `revisions/sha256/${moved.manifest.slice(7)}`),
      [],
      "the refused manifest is not stored",
    );
    assert.equal((await pushImage(ep, dev, "team/app", "v2")).answer.status, 201, "a new tag is allowed");
    assert.equal((await pushImage(ep, dev, "team/app", "latest")).answer.status, 201);
    assert.equal((await pushImage(ep, dev, "team/app", "latest")).answer.status, 201, "latest is mutable");
  });

  it("a quota: the upload that would exceed it is refused and never becomes a blob", async () => {
    const big = Buffer.alloc(80 * 1024, 7);
    const refused = await pushBlob(ep, dev, "team/big", big);
    assert.equal(refused.status, 403, refused.body.toString());
    assert.match(refused.body.toString(), /storage quota of project team would be exceeded/);
    // Cancelled: its bytes are gone (Distribution writes the empty hash state back as the DELETE ends).
    const left = await storageEntries(stack.registry, "team/big/_uploads/");
    assert.deepEqual(
      left.filter((p) => p.endsWith("/data")),
      [],
      left.join("\n"),
    );
    assert.deepEqual(
      await storageEntries(
        stack.registry,
        `blobs/sha256/${digestOf(big).slice(7, 9)}/${digestOf(big).slice(7)}`,
      ),
      [],
    );
  });

  it("publishes Prometheus metrics on its own port: the decisions, the quota and the registry's series", async () => {
    const res = await fetch(`http://${stack.nginxAddress}:9464/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^ops_policy_decisions_total\{action="push",result="immutable"\} 1$/m);
    assert.match(text, /^ops_registry_project_quota_bytes\{project="team"\} 65536$/m);
    assert.match(text, /^ops_policy_registry_metrics_up 1$/m);
    assert.match(text, /^registry_storage_action_seconds_count\{/m);
  });

  it("a webhook event not yet delivered survives a restart of the policy container and is delivered once", async () => {
    const policy = `${stack.id}-policy`;
    const state = join(stack.root, "data/policy");
    const pushed = await pushImage(ep, dev, "team/hooked", "r1");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    // The receiver does not exist yet: the event waits in the container's state folder (a bind mount
    // on a read-only, capability-less container, as compose runs it).
    const queued = (): string[] =>
      readdirSync(state).filter(
        (f) => f.endsWith(".json") && readFileSync(join(state, f), "utf8").includes("r1"),
      );
    assert.equal(queued().length, 1);
    await $`docker restart ${policy}`;
    const logs = async (): Promise<string> => (await $`docker logs ${policy}`).stdout;
    for (let i = 0; i < 100 && (await logs()).split("listening").length < 3; i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.match(await logs(), /queued again[^]*listening/);
    assert.equal(queued().length, 1, "still queued after the restart");
    await $`docker run -d --name ${`${stack.id}-receiver`} --network ${stack.id} --network-alias receiver --entrypoint node ${await ensureServiceImage("node")} -e ${RECEIVER}`;
    const end = Date.now() + 60_000;
    while (queued().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    assert.deepEqual(queued(), [], "delivered and removed");
    const lines = (await $`docker logs ${`${stack.id}-receiver`}`).stdout
      .split("\n")
      .filter((l) => l.includes("r1"))
      .map((l) => JSON.parse(l) as { id: string; sig: string; body: string });
    assert.equal(lines.length, 1, "one delivery of the push");
    const [got] = lines;
    assert.equal(
      got?.sig,
      `sha256=${createHmac("sha256", HOOK_SECRET)
        .update(got?.body ?? "")
        .digest("hex")}`,
    );
    const event = JSON.parse(got?.body ?? "{}") as {
      operator: string;
      event_data: { resources: { digest: string }[] };
    };
    assert.equal(event.operator, "dev");
    assert.equal(event.event_data.resources[0]?.digest, pushed.manifest);
  });

  it("a manifest pulled through nginx is one signed PULL_ARTIFACT, read from nginx's audit log; a HEAD and a blob are none", async () => {
    const pushed = await pushImage(ep, dev, "team/pulled", "p1");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const accept = {
      Accept:
        "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
    };
    const head = await send(ep, "HEAD", "/v2/team/pulled/manifests/p1", {
      credentials: dev,
      headers: accept,
    });
    assert.equal(head.status, 200);
    const got = await send(ep, "GET", "/v2/team/pulled/manifests/p1", { credentials: dev, headers: accept });
    assert.equal(got.status, 200, got.body.toString());
    const pulls = async () =>
      (await $`docker logs ${`${stack.id}-receiver`}`).stdout
        .split("\n")
        .filter((l) => l.includes("PULL_ARTIFACT"))
        .map((l) => JSON.parse(l) as { sig: string; body: string });
    const end = Date.now() + 30_000;
    while ((await pulls()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 1500)); // a second event would come within a read of the log
    const lines = await pulls();
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const body = lines[0]?.body ?? "";
    assert.equal(lines[0]?.sig, `sha256=${createHmac("sha256", HOOK_SECRET).update(body).digest("hex")}`);
    const event = JSON.parse(body) as {
      type: string;
      operator: string;
      event_data: { resources: { digest: string; tag: string; resource_url: string }[] };
    };
    assert.equal(event.type, "PULL_ARTIFACT");
    assert.equal(event.operator, "dev");
    assert.deepEqual(event.event_data.resources, [
      { digest: pushed.manifest, tag: "p1", resource_url: `${stack.nginxAddress}/team/pulled:p1` },
    ]);
  });

  it("a manifest pulled while the policy container is stopped is one PULL_ARTIFACT once it is started again", async () => {
    const policy = `${stack.id}-policy`;
    // The receiver the restart test starts, when this test runs alone.
    if ((await $`docker inspect ${`${stack.id}-receiver`}`.nothrow()).exitCode !== 0)
      await $`docker run -d --name ${`${stack.id}-receiver`} --network ${stack.id} --network-alias receiver --entrypoint node ${await ensureServiceImage("node")} -e ${RECEIVER}`;
    const pushed = await pushImage(ep, dev, "team/stopped", "s1");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const mine = async () =>
      (await $`docker logs ${`${stack.id}-receiver`}`).stdout
        .split("\n")
        .filter((l) => l.includes("PULL_ARTIFACT") && l.includes("team/stopped"));
    // docker stop: SIGTERM, as compose and systemd stop it; the pull reaches nginx alone.
    await $`docker stop ${policy}`;
    const got = await send(ep, "GET", `/v2/team/stopped/manifests/${pushed.manifest}`, {
      credentials: dev,
      headers: { Accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    assert.equal(got.status, 200, got.body.toString());
    assert.deepEqual(await mine(), [], "nothing sent while it is stopped");
    await $`docker start ${policy}`;
    const end = Date.now() + 30_000;
    while ((await mine()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 1500)); // a second event would come within a read of the log
    const lines = await mine();
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const event = JSON.parse((JSON.parse(lines[0] ?? "{}") as { body: string }).body) as {
      event_data: { resources: { digest: string; tag: string; resource_url: string }[] };
    };
    assert.deepEqual(event.event_data.resources, [
      {
        digest: pushed.manifest,
        tag: "",
        resource_url: `${stack.nginxAddress}/team/stopped@${pushed.manifest}`,
      },
    ]);
  });
});
