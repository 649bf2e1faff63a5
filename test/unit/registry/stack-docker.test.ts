/**
 * The rendered configs, run for real on this machine's engine: `docker compose config` accepts the
 * compose file, `nginx -t` accepts nginx's, Distribution serves with its config, and nginx enforces
 * the roles (and refuses what would let a user around them) with real requests over TLS.
 */
import { strict as assert } from "node:assert";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { connect } from "node:tls";
import { ensureServiceImage } from "../../lab/service-images.js";
import { send, type Credentials, type Endpoint } from "../../../src/registry/http.js";
import { renderStack } from "../../../src/registry/stack.js";
import { hostLocalConf } from "../../../src/registry/host-local.js";
import { newVerifyRobot, robotLine, VERIFY_ROBOT_DIR } from "../../../src/registry/verify-robot.js";
import { createCa, signServer } from "../../../src/registry/x509.js";
import { $ } from "../../lab/sh.js";
import {
  composeBinary,
  startLocalStack,
  storageEntries,
  tempRoot,
  writeStack,
  type LocalStack,
} from "./support/local-stack.js";
import { attachArtifact, listReferrers, pullArtifact } from "./support/oci-artifact.js";
import { digestOf, MANIFEST_V2, pushBlob, pushImage } from "./support/push.js";
import { SAMPLE_VARS, sampleModel, sampleSpec } from "./support/sample.js";

const who = (name: string): Credentials => {
  const u = SAMPLE_VARS.registry_users.find((x) => (x.robot ? `robot$${x.name}` : x.name) === name);
  assert.ok(u, name);
  return { user: name, password: u.password };
};
/** A refusal docker treats as final: the DENIED code with a detail (see nginx.conf.ejs). */
const denied = (status: number, body: Buffer) =>
  status === 403 && body.toString().includes('"DENIED"') && body.toString().includes('"detail"');

describe("registry stack on a real engine", function () {
  this.timeout(180_000);
  let stack: LocalStack;
  let ep: Endpoint;

  before(async () => {
    const now = new Date();
    const ca = await createCa("unit CA", now);
    const tls = await signServer(ca, { dns: ["registry.test"], ips: [] }, now, 30);
    const model = sampleModel();
    stack = await startLocalStack(
      renderStack(sampleSpec({ serverName: "registry.test" }), model, tls),
      model.accounts,
    );
    ep = { url: `https://${stack.nginxAddress}`, ca: ca.certPem, servername: "registry.test" };
  });
  after(async () => stack?.remove());

  it("docker compose config accepts the compose file (with and without the proxy cache, TLS or not)", async () => {
    const compose = await composeBinary();
    for (const spec of [sampleSpec(), sampleSpec({ proxyCache: null, tls: false, port: 5000 })]) {
      const root = tempRoot();
      writeStack(root, renderStack(spec, sampleModel(), spec.tls ? { certPem: "C\n", keyPem: "K\n" } : null));
      const out = await $`${compose} -f ${join(root, "opt/ops-registry/compose.yaml")} config -q`.nothrow();
      assert.equal(out.exitCode, 0, out.stderr);
      await $`rm -rf ${root}`;
    }
  });

  it("nginx -t accepts nginx's config; Distribution serves health and Prometheus metrics", async () => {
    const t = await $`docker exec ${stack.nginx} nginx -t -c /etc/ops-registry/nginx.conf`.nothrow();
    assert.equal(t.exitCode, 0, t.stderr);
    assert.match(t.stderr, /test is successful/);
    // The plain-HTTP variant (registry_tls: false), without the proxy cache, in a throwaway container.
    const root = tempRoot();
    writeStack(
      root,
      renderStack(sampleSpec({ tls: false, port: 5000, proxyCache: null }), sampleModel(), null),
    );
    const plain =
      await $`docker run --rm --add-host registry:127.0.0.1 --add-host registry-ro:127.0.0.1 -v ${join(root, "opt/ops-registry/nginx")}:/etc/ops-registry:ro -v ${join(root, "audit")}:/var/log/ops-registry ${await ensureServiceImage("nginx-sh")} nginx -t -c /etc/ops-registry/nginx.conf`.nothrow();
    rmSync(root, { recursive: true, force: true });
    assert.equal(plain.exitCode, 0, plain.stderr);
    const metrics =
      await $`docker exec ${stack.registry} /usr/bin/wget -q -O - http://127.0.0.1:5001/metrics`;
    assert.match(metrics.stdout, /^registry_/m);
  });

  it("answers /v2/ with a Bearer challenge; the token endpoint hands out verified credentials or 'anonymous'", async () => {
    const anon = await send(ep, "GET", "/v2/");
    assert.equal(anon.status, 401);
    assert.equal(
      anon.headers["www-authenticate"],
      `Bearer realm="https://${stack.nginxAddress}/ops/token",service="ops-registry"`,
    );
    assert.equal(anon.headers["docker-distribution-api-version"], "registry/2.0");
    const token = async (creds?: Credentials) => {
      const a = await send(
        ep,
        "GET",
        "/ops/token?service=ops-registry&scope=repository:team/app:pull",
        creds ? { credentials: creds } : {},
      );
      return [
        a.status,
        a.status === 200 ? (JSON.parse(a.body.toString()) as { token: string }).token : "",
      ] as const;
    };
    assert.deepEqual(await token(), [200, "anonymous"]);
    const [status, devToken] = await token(who("dev"));
    assert.equal(status, 200);
    assert.equal(devToken, Buffer.from(`dev:${who("dev").password}`).toString("base64"));
    assert.equal((await token({ user: "dev", password: "wrong-pass" }))[0], 401);
    const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });
    assert.equal((await send(ep, "GET", "/v2/", bearer(devToken))).status, 200, "docker login");
    assert.equal((await send(ep, "GET", "/v2/", bearer("anonymous"))).status, 401);
    assert.equal(
      (await send(ep, "GET", "/v2/", bearer(Buffer.from("dev:wrong-pass").toString("base64")))).status,
      401,
    );
    assert.equal(
      (await send(ep, "GET", "/v2/", { credentials: who("dev") })).status,
      200,
      "Basic works too (curl)",
    );
  });

  it("developer pushes, guest pulls, guest's push is refused and stores nothing, anonymous only on public", async () => {
    const pushed = await pushImage(ep, who("dev"), "team/app", "v1");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const pull = await send(ep, "GET", "/v2/team/app/manifests/v1", {
      credentials: who("guest"),
      headers: { Accept: MANIFEST_V2 },
    });
    assert.equal(pull.status, 200);
    assert.equal(pull.headers["docker-content-digest"], pushed.manifest);

    const uploadsBefore = await storageEntries(stack.registry, "_uploads");
    const refused = await pushBlob(ep, who("guest"), "team/app", Buffer.from("guest's layer"));
    assert.ok(denied(refused.status, refused.body), `${refused.status} ${refused.body.toString()}`);
    assert.deepEqual(await storageEntries(stack.registry, "_uploads"), uploadsBefore);
    assert.deepEqual(await storageEntries(stack.registry, digestOf("guest's layer").slice(7)), []);

    assert.equal((await send(ep, "GET", "/v2/team/app/manifests/v1")).status, 401);
    const anonymous = { headers: { Authorization: "Bearer anonymous", Accept: MANIFEST_V2 } };
    assert.equal((await send(ep, "GET", "/v2/team/app/manifests/v1", anonymous)).status, 401);
    assert.equal((await pushImage(ep, who("dev"), "pub/tool", "1")).answer.status, 201);
    assert.equal(
      (await send(ep, "GET", "/v2/pub/tool/manifests/1", { headers: { Accept: MANIFEST_V2 } })).status,
      200,
    );
    assert.equal((await pushBlob(ep, undefined, "pub/tool", Buffer.from("x"))).status, 401);
    assert.equal((await pushImage(ep, who("robot$ci"), "team/bot", "1")).answer.status, 201);
  });

  it("the verify project: a system admin pushes, anyone pulls anonymously (as docker does, by its anonymous token), nobody else pushes", async () => {
    const pushed = await pushImage(ep, who("root"), "ops-verify/1a2b3c", "verify");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const anonymous = { headers: { Authorization: "Bearer anonymous", Accept: MANIFEST_V2 } };
    const pull = await send(ep, "GET", `/v2/ops-verify/1a2b3c/manifests/${pushed.manifest}`, anonymous);
    assert.equal(pull.status, 200, pull.body.toString());
    assert.equal(
      (await send(ep, "GET", `/v2/ops-verify/1a2b3c/blobs/${pushed.layer}`, anonymous)).status,
      200,
    );
    for (const pusher of [who("dev"), who("robot$ci"), undefined]) {
      const refused = await pushBlob(ep, pusher, "ops-verify/1a2b3c", Buffer.from("not the admin's"));
      assert.ok([401, 403].includes(refused.status), `${pusher?.user ?? "anonymous"}: ${refused.status}`);
    }
    assert.deepEqual(await storageEntries(stack.registry, digestOf("not the admin's").slice(7)), []);
    const del = await send(ep, "DELETE", `/v2/ops-verify/1a2b3c/manifests/${pushed.manifest}`, {
      credentials: who("root"),
    });
    assert.equal(del.status, 202);
  });

  it("a verify robot: its own file lets it push into the verify project only; refused once its expiry passed (the right password, no policy service) or its file is gone", async () => {
    mkdirSync(join(stack.root, "opt/ops-registry", VERIFY_ROBOT_DIR), { recursive: true });
    const write = (r: ReturnType<typeof newVerifyRobot>) =>
      writeFileSync(join(stack.root, r.file), robotLine(r));
    const live = newVerifyRobot("/opt/ops-registry", "1a2b3c", Date.now(), 600);
    write(live);
    const robot = { user: live.name, password: live.password };
    const pushed = await pushImage(ep, robot, "ops-verify/9f9f9f", "verify");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const elsewhere = await pushBlob(ep, robot, "team/robot", Buffer.from("the robot's, elsewhere"));
    assert.ok(denied(elsewhere.status, elsewhere.body), `${elsewhere.status} ${elsewhere.body.toString()}`);
    assert.deepEqual(await storageEntries(stack.registry, digestOf("the robot's, elsewhere").slice(7)), []);
    const del = await send(ep, "DELETE", `/v2/ops-verify/9f9f9f/manifests/${pushed.manifest}`, {
      credentials: robot,
    });
    assert.equal(del.status, 403, "the robot deletes nothing");
    assert.equal((await send(ep, "GET", "/v2/_catalog", { credentials: robot })).status, 403);
    const wrong = await send(ep, "GET", "/v2/", { credentials: { user: live.name, password: "not-it" } });
    assert.equal(wrong.status, 401);

    // Expired a second ago, with its file and the right password: refused, saying why.
    const old = newVerifyRobot("/opt/ops-registry", "4d5e6f", Date.now() - 2000, 1);
    write(old);
    const expired = await send(ep, "GET", "/v2/", {
      credentials: { user: old.name, password: old.password },
    });
    assert.equal(expired.status, 401);
    assert.match(
      expired.body.toString(),
      new RegExp(`account robot\\$ops-verify-4d5e6f-${old.expires} expired`),
    );
    // Its file removed (its verify ended): refused like any unknown name.
    const gone = newVerifyRobot("/opt/ops-registry", "7a8b9c", Date.now(), 600);
    write(gone);
    rmSync(join(stack.root, gone.file));
    const after = await send(ep, "GET", "/v2/", {
      credentials: { user: gone.name, password: gone.password },
    });
    assert.equal(after.status, 401);
    // The audit log names the robot on its push.
    const log = (await $`docker exec ${stack.nginx} cat /var/log/ops-registry/audit.log`).stdout;
    const pushes = log
      .split("\n")
      .filter((l) => l.includes('"repository":"ops-verify/9f9f9f"') && l.includes('"action":"push"'))
      .map((l) => JSON.parse(l) as { user: string; status: number });
    assert.ok(pushes.length > 0);
    assert.ok(
      pushes.every((e) => e.user === live.name),
      JSON.stringify(pushes),
    );
    const clean = await send(ep, "DELETE", `/v2/ops-verify/9f9f9f/manifests/${pushed.manifest}`, {
      credentials: who("root"),
    });
    assert.equal(clean.status, 202);
  });

  it("a verified login leaves nginx's login cache, which holds the credential itself, within 30 s of its last use", async () => {
    const dev = who("dev");
    const credential = Buffer.from(`dev:${dev.password}`).toString("base64");
    const held = async () =>
      (await $`docker exec ${stack.nginx} grep -rlsF ${credential} /tmp/ops-auth`.nothrow()).stdout.trim() !==
      "";
    assert.equal((await send(ep, "GET", "/v2/", { credentials: dev })).status, 200);
    assert.equal(await held(), true, "the login is remembered, keyed by the credential");
    const used = Date.now();
    while (await held()) {
      assert.ok(Date.now() - used < 30_000, "the credential is still in the cache 30 s after its last use");
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  it("a blob mount needs pull rights on the project it reads from, however the query is written", async () => {
    const secret = await pushImage(ep, who("keeper"), "secret/app", "1");
    assert.equal(secret.answer.status, 201);
    const mount = (q: string, by = who("dev"), extra = {}) =>
      send(ep, "POST", `/v2/team/app/blobs/uploads/?${q}`, { credentials: by, ...extra });
    const d = secret.layer;
    for (const q of [
      `mount=${d}&from=secret%2Fapp`,
      `mount=${d}&from=secret/app`,
      `mount=${d}&From=secret%2Fapp`,
      `mount=${d}&%66rom=secret%2Fapp`,
      `mount=${d}&from=team%2Fapp&from=secret%2Fapp`,
      `from=team%2Fapp&mount=${d}&FROM=secret%2Fapp`,
      `mount=${d}&from=secret%2Fapp;x=1`,
    ]) {
      const a = await mount(q);
      assert.ok(denied(a.status, a.body), `${q}: ${a.status}`);
    }
    const form = await mount(`mount=${d}`, who("dev"), {
      body: `from=secret%2Fapp&mount=${d}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.ok(denied(form.status, form.body), `form body: ${form.status}`);
    assert.deepEqual(
      await storageEntries(stack.registry, `repositories/team/app/_layers/sha256/${d.slice(7)}`),
      [],
    );
    const own = await pushImage(ep, who("dev"), "team/lib", "1");
    assert.equal(
      (await mount(`mount=${own.layer}&from=team%2Flib`)).status,
      201,
      "a mount within dev's own project",
    );
    const allowed = await mount(`mount=${d}&from=secret%2Fapp`, who("keeper"));
    assert.equal(allowed.status, 201, "keeper may read secret: the blob is mounted");
  });

  it("judges the path the registry sees: dot segments and escapes are refused", async () => {
    for (const path of [
      "/v2/team/../secret/app/manifests/1",
      "/v2/team/%2e%2e/secret/app/manifests/1",
      "/v2/team//app/manifests/v1",
      "/v2/secret%2Fapp/manifests/1",
    ]) {
      const a = await send(ep, "GET", path, { credentials: who("dev") });
      assert.ok(denied(a.status, a.body), `${path}: ${a.status}`);
    }
  });

  it("deletes by maintainers only; the catalog and the audit log for system admins only", async () => {
    const img = await pushImage(ep, who("dev"), "team/old", "1");
    const devDelete = await send(ep, "DELETE", `/v2/team/old/manifests/${img.manifest}`, {
      credentials: who("dev"),
    });
    assert.ok(denied(devDelete.status, devDelete.body), `${devDelete.status}`);
    assert.equal(
      (await send(ep, "DELETE", `/v2/team/old/manifests/${img.manifest}`, { credentials: who("keeper") }))
        .status,
      202,
    );
    assert.equal((await send(ep, "GET", "/v2/_catalog", { credentials: who("dev") })).status, 403);
    const catalog = await send(ep, "GET", "/v2/_catalog", { credentials: who("root") });
    assert.equal(catalog.status, 200);
    assert.ok(
      (JSON.parse(catalog.body.toString()) as { repositories: string[] }).repositories.includes("secret/app"),
    );
    assert.equal((await send(ep, "GET", "/ops/audit", { credentials: who("dev") })).status, 403);
    const audit = await send(ep, "GET", "/ops/audit", { credentials: who("root") });
    assert.equal(audit.status, 200);
    const lines = audit.body
      .toString()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const push = lines.find(
      (l) => l.user === "dev" && l.kind === "manifest" && l.method === "PUT" && l.status === 201,
    );
    assert.ok(push, "the developer's manifest push is in the audit log");
    assert.equal(push.project, "team");
    assert.equal(push.action, "push");
    assert.ok(
      lines.some((l) => l.user === "guest" && l.action === "push" && l.status === 403),
      "the refused push too",
    );
    assert.ok(
      lines.some((l) => l.user === "" && l.action === "pull" && l.project === "pub" && l.status === 200),
      "anonymous pulls",
    );
    assert.ok(!audit.body.toString().includes("dev-pass-1"), "no password in the log");
  });

  it("a repository named like an upload path is the registry's repository: a developer cannot delete its blobs", async () => {
    const repo = "team/x/blobs/uploads/y";
    const img = await pushImage(ep, who("dev"), repo, "1");
    assert.equal(img.answer.status, 201, img.answer.body.toString());
    const del = await send(ep, "DELETE", `/v2/${repo}/blobs/${img.layer}`, { credentials: who("dev") });
    assert.ok(denied(del.status, del.body), `${del.status} ${del.body.toString()}`);
    const get = await send(ep, "GET", `/v2/${repo}/blobs/${img.layer}`, { credentials: who("guest") });
    assert.equal(get.status, 200, "the layer is still there");
    const other = await send(ep, "PROPFIND", "/v2/team/app/manifests/v1", { credentials: who("root") });
    assert.ok(denied(other.status, other.body), "an unmatched method is refused, even for an admin");
  });

  it("OCI 1.1: referrers answer 404, an oras-style artifact attaches, is discovered and pulls; roles apply", async () => {
    const img = await pushImage(ep, who("dev"), "team/signed", "1");
    const head = await send(ep, "HEAD", `/v2/team/signed/manifests/${img.manifest}`, {
      credentials: who("dev"),
      headers: { Accept: MANIFEST_V2 },
    });
    const subject = {
      mediaType: MANIFEST_V2,
      digest: img.manifest,
      size: Number(head.headers["content-length"]),
    };
    const sbom = Buffer.from('{"spdxVersion":"SPDX-2.3"}');
    const type = "application/spdx+json";
    const pushed = await attachArtifact(ep, who("dev"), "team/signed", subject, type, type, sbom);
    assert.equal(pushed.referrersStatus, 404, "no referrers API: the tag schema instead");
    assert.equal(pushed.answer.status, 201, pushed.answer.body.toString());
    const found = await listReferrers(ep, who("guest"), "team/signed", img.manifest);
    assert.equal(found.api.status, 404);
    assert.doesNotMatch(found.api.body.toString(), /NAME_UNKNOWN/, "oras would stop at NAME_UNKNOWN");
    assert.deepEqual(
      found.list.map((d) => [d.digest, d.artifactType]),
      [[pushed.manifest.digest, type]],
    );
    const pulled = await pullArtifact(ep, who("guest"), "team/signed", pushed.manifest.digest);
    assert.deepEqual(
      [pulled.status, pulled.content.toString(), pulled.artifactType],
      [200, sbom.toString(), type],
    );
    // Roles: a guest may not attach, anonymous may not even ask.
    const byGuest = await attachArtifact(
      ep,
      who("guest"),
      "team/signed",
      subject,
      type,
      type,
      Buffer.from("x"),
    );
    assert.ok(denied(byGuest.answer.status, byGuest.answer.body), `${byGuest.answer.status}`);
    const anon = await send(ep, "GET", `/v2/team/signed/referrers/${img.manifest}`);
    assert.equal(anon.status, 401);
    assert.equal((await pullArtifact(ep, undefined, "team/signed", pushed.manifest.digest)).status, 401);
  });

  it("while gc.sh collects: pulls come from the read-only instance (the read-write one stopped), writes get 503 with Retry-After", async () => {
    const pushed = await pushImage(ep, who("dev"), "team/gc", "v1");
    assert.equal(pushed.answer.status, 201);
    const map = join(stack.root, "opt/ops-registry/nginx/gc-maintenance.map");
    const reload = () => $`docker exec ${stack.nginx} nginx -c /etc/ops-registry/nginx.conf -s reload`;
    const pull = () =>
      send(ep, "GET", `/v2/team/gc/manifests/${pushed.manifest}`, {
        credentials: who("guest"),
        headers: { Accept: MANIFEST_V2 },
      });
    const upload = () => send(ep, "POST", "/v2/team/gc/blobs/uploads/", { credentials: who("dev") });
    writeFileSync(map, '"" 1;\n');
    await reload();
    // The reload is asynchronous: new workers take over within moments.
    let refused = await upload();
    for (let i = 0; i < 50 && refused.status !== 503; i++) {
      await new Promise((r) => setTimeout(r, 100));
      refused = await upload();
    }
    await $`docker stop ${stack.registry}`;
    try {
      assert.equal(refused.status, 503);
      assert.equal(refused.headers["retry-after"], "60");
      assert.match(refused.body.toString(), /"code":"UNAVAILABLE".*garbage collection in progress/);
      assert.equal(refused.headers["docker-distribution-api-version"], "registry/2.0");
      assert.equal((await upload()).status, 503, "still refused with the read-write registry stopped");
      const read = await pull();
      assert.equal(read.status, 200, "the read-only instance serves the pull");
      assert.equal(read.headers["docker-content-digest"], pushed.manifest);
      const del = await send(ep, "DELETE", `/v2/team/gc/manifests/${pushed.manifest}`, {
        credentials: who("keeper"),
      });
      assert.equal(del.status, 503, "deletes are writes too");
      assert.equal(
        (await send(ep, "POST", "/v2/team/gc/blobs/uploads/", { credentials: who("guest") })).status,
        403,
        "roles still first",
      );
    } finally {
      await $`docker start ${stack.registry}`;
      rmSync(map, { force: true });
      await reload();
    }
    let again = await upload();
    for (let i = 0; i < 100 && again.status !== 202; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await upload();
    }
    assert.equal(again.status, 202, "pushes open again");
  });

  it("gc.sh's drain probe sees a worker still serving a request from before a reload, and nothing when idle", async () => {
    const gc = renderStack(sampleSpec(), sampleModel(), null).files.find((f) => f.path.endsWith("/gc.sh"));
    const probe = /draining\(\) \{\n\s*docker compose exec -T nginx sh -c '([^']*)'/.exec(
      gc?.content ?? "",
    )?.[1];
    assert.ok(probe, "gc.sh has its drain probe");
    const draining = async () =>
      (await $`docker exec ${stack.nginx} sh -c ${probe}`.nothrow()).exitCode === 0;
    assert.equal(await draining(), false, "an idle nginx is not draining (the probe must not find itself)");
    // A request whose headers are still arriving keeps its worker alive through a reload.
    const socket = connect({ host: stack.nginxAddress, port: 443, ca: ep.ca, servername: "registry.test" });
    await once(socket, "secureConnect");
    socket.write("GET /v2/ HTTP/1.1\r\nHost: registry.test\r\n");
    await $`docker exec ${stack.nginx} nginx -c /etc/ops-registry/nginx.conf -s reload`;
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await draining(), true, "the old worker still serves the request");
    socket.end("\r\n");
    socket.destroy();
    let idle = await draining();
    for (let i = 0; i < 50 && idle; i++) {
      await new Promise((r) => setTimeout(r, 100));
      idle = await draining();
    }
    assert.equal(idle, false, "drained once the request ended");
  });

  it("the proxy cache counts the compose network's gateway as the registry host only when the engine runs without the userland proxy", async () => {
    // This machine reaches nginx's container from the unit network's gateway, as the registry host's
    // engine reaches its own published port under userland-proxy: false (Docker's hairpin rule).
    const gateway = (
      await $`docker network inspect -f ${"{{(index .IPAM.Config 0).Gateway}}"} ${stack.id}`
    ).stdout.trim();
    const written = await $`docker exec ${stack.nginx} cat /tmp/ops-host-gateway.conf`;
    assert.match(
      written.stdout,
      new RegExp(`^${gateway.replaceAll(".", "\\.")} 1;$`, "m"),
      "start.sh named the gateway",
    );
    const proxyEp = { ...ep, url: `https://${stack.nginxAddress}:5443` };
    const anonymousToken = async () =>
      (await send(proxyEp, "GET", "/ops/token?service=ops-registry&scope=repository:library/busybox:pull"))
        .status;
    const hostLocal = join(stack.root, "opt/ops-registry/nginx/host-local.conf");
    const reload = async (userlandProxy: boolean) => {
      writeFileSync(hostLocal, hostLocalConf(userlandProxy));
      await $`docker exec ${stack.nginx} nginx -c /etc/ops-registry/nginx.conf -s reload`;
    };
    /** The reload is asynchronous: new workers take over within moments. */
    const settle = async (want: number) => {
      let got = await anonymousToken();
      for (let i = 0; i < 50 && got !== want; i++) {
        await new Promise((r) => setTimeout(r, 100));
        got = await anonymousToken();
      }
      return got;
    };
    assert.equal(
      await anonymousToken(),
      401,
      "userland proxy on: the gateway is docker-proxy's, not the host's",
    );
    try {
      await reload(false);
      assert.equal(await settle(200), 200, "userland proxy off: the gateway is the registry host");
    } finally {
      await reload(true);
    }
    assert.equal(await settle(401), 401, "back to refused once the proxy is on again");
  });
});
