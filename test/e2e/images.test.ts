/**
 * `ops run images` end to end on the lab: an image built here from a Dockerfile is pushed to the
 * lab's deploy-registry with a developer account (by the registry host's engine, which trusts the
 * registry's CA), and streamed over SSH to el9-3, whose routes inside the host are cut to all but
 * the control machine for the test (no registry, mirror or repo reachable; restored after). A
 * container runs from it there. A second run sends nothing (one command per host); an image with
 * another id under the tag is reported by `ops images ls` (exit 3) and replaced by the next run.
 * Run under `flock /tmp/ops-lab.lock`, after `npm run build`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { join } from "node:path";
import type { OpsEvent } from "../../src/events.js";
import { hostExec, hostExecResult, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { ensureServiceImage } from "../lab/service-images.js";
import { scratchIndex } from "../../src/registry/oci-image.js";
import { pushImage, pushManifest } from "./helpers/oci-push.js";
import { ops, summaries, type OpsResult } from "./helpers/ops-cli.js";
import { PASSWORDS, registryLab, registryVars, writeRegistryInventory } from "./helpers/registry.js";

const REF = "team/hello:1";
// A new greeting each run: a new image id, so every run really builds, pushes and streams.
const GREETING = `hello from images ${Date.now().toString(36)}`;

/** Keeps only the link route to the control machine: every other address, lab services included, is cut. */
const CUT = (gateway: string) => `ip route show dev eth0 > /run/ops-e2e-routes
ip route flush dev eth0
ip route add ${gateway} dev eth0`;
// The link routes first, then those through a gateway (which need the link route to exist).
const RESTORE = `set -e
ip route flush dev eth0
sed 's/ linkdown//g' /run/ops-e2e-routes | grep -v ' via ' | while read -r r; do ip route add $r dev eth0; done
sed 's/ linkdown//g' /run/ops-e2e-routes | grep ' via ' | while read -r r; do ip route add $r dev eth0; done
ip route show default | grep -q via`;

/** A loopback port forwarded to `host:port`, which the control machine's engine pulls from as insecure. */
async function loopback(host: string, port: number): Promise<{ forwarder: Server; port: number }> {
  const forwarder: Server = createServer((c) => {
    const up = connect(port, host);
    c.pipe(up).pipe(c);
    c.on("error", () => up.destroy());
    up.on("error", () => c.destroy());
  });
  await new Promise<void>((ok) => forwarder.listen(0, "127.0.0.1", ok));
  return { forwarder, port: (forwarder.address() as { port: number }).port };
}

describe("images on lab hosts: build, push, stream to a host with no route to any registry", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  let dir: string;
  let registry: string;
  let address: string;
  let base: string;
  const isolated = "el9-3";
  const ok = (res: OpsResult) => assert.equal(res.code, 0, `${res.stderr}\n${res.stdout.slice(-3000)}`);
  const run = (...args: string[]) => ops(["run", "images", "-i", inventory, "--output", "json", ...args]);
  const ran = (res: OpsResult, host: string) =>
    res.events.filter(
      (e): e is Extract<OpsEvent, { kind: "step-ran" }> => e.kind === "step-ran" && e.host === host,
    );

  before(async () => {
    lab = readLab();
    const r = registryLab(lab);
    dir = r.dir;
    registry = r.registry;
    address = r.address;
    base = await ensureServiceImage("busybox");
    mkdirSync(join(dir, "hello"));
    writeFileSync(
      join(dir, "hello", "Dockerfile"),
      'ARG BASE\nFROM ${BASE} AS run\nARG GREETING\nRUN echo "$GREETING" > /greeting\nCMD ["cat", "/greeting"]\n',
    );
    const vars = {
      ...registryVars(lab),
      images_push_user: "dev",
      images: [
        {
          ref: REF,
          source: "build",
          context: "hello",
          target: "run",
          build_args: { BASE: base, GREETING },
          push: true,
        },
      ],
    };
    inventory = writeRegistryInventory(lab, dir, vars);
    ok(await ops(["run", "install-engine", "-i", inventory, "--output", "json"]));
    ok(await ops(["run", "deploy-registry", "-i", inventory, "--output", "json"]));
    // Whatever an earlier run left: no host holds the image.
    for (const h of ["el9-1", "el9-2", isolated])
      await hostExec(h, `docker rmi -f ${REF} >/dev/null 2>&1; true`);
    // The control machine is the host's gateway on the lab's network: the one address left.
    const gateway = /via (\S+)/.exec(await hostExec(isolated, "ip route show default"))?.[1];
    assert.ok(gateway, "the isolated host has a default route");
    await hostExec(isolated, CUT(gateway));
  });

  after(async () => {
    // The host must leave this file as it came: routes restored, else the host made anew.
    const restored = await hostExecResult(isolated, RESTORE);
    if (restored.exitCode !== 0) await recreateHost(isolated);
  });

  it("the isolated host reaches no registry, mirror or repo, only the control machine", async () => {
    for (const target of [
      `${address}:443`,
      lab.mirrorUrl.replace(/^http:\/\//, ""),
      new URL(lab.repoUrl).host,
    ]) {
      const [h, p = "80"] = target.split(":");
      const r = await hostExecResult(isolated, `timeout 3 bash -c '</dev/tcp/${h}/${p}'`);
      assert.notEqual(r.exitCode, 0, `${isolated} reached ${target}`);
    }
    const pull = await hostExecResult(isolated, `timeout 10 docker pull ${address}:443/${REF}`);
    assert.notEqual(pull.exitCode, 0);
  });

  it("builds here, pushes as the developer, streams to every engine host; a container runs on the isolated one", async () => {
    const res = await run();
    ok(res);
    const id = execFileSync("docker", ["image", "inspect", "--format", "{{.Id}}", REF], {
      encoding: "utf8",
    }).trim();
    const pushed = ran(res, registry).find((e) => e.description.startsWith("push "));
    assert.match(
      pushed?.description ?? "",
      new RegExp(`^push ${address}:443/${REF} ${id.slice(7, 19)} as dev$`),
    );
    for (const host of ["el9-2", isolated]) {
      const load = ran(res, host).find((e) => e.description.startsWith(`load ${REF}`));
      assert.ok(
        load?.bytes !== undefined && load.bytes > 1000,
        `${host} got the image streamed: ${JSON.stringify(load)}`,
      );
      assert.equal((await hostExec(host, `docker image inspect --format '{{.Id}}' ${REF}`)).trim(), id);
    }
    assert.equal((await hostExec(isolated, `docker run --rm ${REF}`)).trim(), GREETING);
    // The registry holds it, pulled back by an engine that can reach it.
    const pulled = await hostExecResult("el9-2", `docker pull -q ${address}:443/${REF} 2>&1 || true`);
    assert.match(
      pulled.stdout,
      /denied|unauthorized|no basic auth|authentication required/i,
      "anonymous pulls of a private project are refused",
    );
    const login = await hostExecResult(
      "el9-2",
      `d=$(mktemp -d); echo '${PASSWORDS.dev}' | DOCKER_CONFIG=$d docker login ${address}:443 -u dev --password-stdin >/dev/null && DOCKER_CONFIG=$d docker pull -q ${address}:443/${REF}; rm -rf $d`,
    );
    assert.equal(login.exitCode, 0, login.stderr);
    assert.equal(
      (await hostExec("el9-2", `docker image inspect --format '{{.Id}}' ${address}:443/${REF}`)).trim(),
      id,
    );
    await hostExec("el9-2", `docker rmi ${address}:443/${REF}`);
  });

  it("a second run sends nothing: one command per host, every image a no-op", async () => {
    const res = await run();
    ok(res);
    for (const [host, s] of Object.entries(summaries(res))) {
      assert.equal(s.commands, 1, `${host} ran ${s.commands} commands`);
      assert.equal(s.applied.length, 0, `${host} applied ${JSON.stringify(s.applied)}`);
    }
  });

  it("another id under the tag: ops images ls says so (exit 3), the next run replaces it and reports it", async () => {
    // el9-3: the image is gone and another one holds the tag (streamed back); el9-2: another id
    // holds the tag while the wanted id is still present (tagged back, nothing sent).
    await hostExec(
      isolated,
      `docker rmi ${REF} >/dev/null && printf 'FROM scratch\\nLABEL drift=1\\n' | DOCKER_BUILDKIT=0 docker build -q -t ${REF} - >/dev/null`,
    );
    await hostExec(
      "el9-2",
      `printf 'FROM ${REF}\\nLABEL drift=2\\n' | DOCKER_BUILDKIT=0 docker build -q -t ${REF} - >/dev/null`,
    );
    const idOf = async (host: string) =>
      (await hostExec(host, `docker image inspect --format '{{.Id}}' ${REF}`)).trim().slice(7, 19);
    const [gone, moved] = [await idOf(isolated), await idOf("el9-2")];
    const ls = await ops(["images", "ls", "-i", inventory]);
    assert.equal(ls.code, 3, `${ls.stderr}\n${ls.stdout}`);
    assert.match(ls.stdout, new RegExp(`${isolated}: would load ${REF} \\w{12}.*\\(replacing ${gone}\\)`));
    assert.match(
      ls.stdout,
      new RegExp(
        `el9-2: would tag \\w{12} as ${REF} \\(replacing ${moved}\\): the host has the image, nothing sent`,
      ),
    );
    assert.match(ls.stdout, new RegExp(`el9-1: ok: ${REF} is \\w{12}`));
    const res = await run();
    ok(res);
    const load = ran(res, isolated).find((e) => e.description.includes(`(replacing ${gone})`));
    assert.ok(load?.bytes !== undefined && load.bytes > 1000, JSON.stringify(ran(res, isolated)));
    assert.ok(
      ran(res, "el9-2").some((e) => e.description.includes(`(replacing ${moved})`) && e.bytes === undefined),
    );
    assert.equal((await hostExec(isolated, `docker run --rm ${REF}`)).trim(), GREETING);
    assert.equal((await ops(["images", "ls", "-i", inventory])).code, 0);
  });

  it("source pull by digest (the lab's hub) and source archive (a docker save tar) reach every host, the isolated one too", async () => {
    // The control machine's engine pulls plain HTTP only from loopback: a forwarder to the lab's hub.
    const [hubHost = "", hubPort = "5000"] = lab.hubRegistry.split(":");
    const { forwarder, port } = await loopback(hubHost, Number(hubPort));
    try {
      const manifest = await fetch(`http://${lab.hubRegistry}/v2/library/busybox/manifests/latest`, {
        headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
      });
      const digest = manifest.headers.get("docker-content-digest") ?? "";
      const configDigest = ((await manifest.json()) as { config: { digest: string } }).config.digest;
      assert.match(digest, /^sha256:[0-9a-f]{64}$/);
      // A new image id each run, saved to a tar and gone from the control machine's engine.
      const stamp = Date.now().toString(36);
      const sub = join(dir, "sources");
      mkdirSync(join(sub, "images"), { recursive: true });
      execFileSync("docker", ["build", "-q", "-t", "vendor/agent:7", "-"], {
        input: `FROM ${base}\nLABEL stamp=${stamp}\n`,
        stdio: ["pipe", "ignore", "ignore"],
      });
      const agentId = execFileSync("docker", ["image", "inspect", "--format", "{{.Id}}", "vendor/agent:7"], {
        encoding: "utf8",
      }).trim();
      execFileSync("docker", ["save", "-o", join(sub, "images", "agent-7.tar"), "vendor/agent:7"]);
      execFileSync("docker", ["rmi", "vendor/agent:7"]);
      for (const h of ["el9-1", "el9-2", isolated])
        await hostExec(h, "docker rmi -f lab/busybox:pinned vendor/agent:7 >/dev/null 2>&1; true");
      const inv = writeRegistryInventory(lab, sub, {
        ...registryVars(lab),
        images: [
          { ref: "lab/busybox:pinned", source: "pull", from: `127.0.0.1:${port}/library/busybox@${digest}` },
          { ref: "vendor/agent:7", source: "archive", archive: "images/agent-7.tar" },
        ],
      });
      const res = await ops(["run", "images", "-i", inv, "--output", "json"]);
      ok(res);
      for (const host of ["el9-1", "el9-2", isolated]) {
        const ids = await hostExec(
          host,
          "docker image inspect --format '{{.Id}}' lab/busybox:pinned vendor/agent:7",
        );
        assert.deepEqual(ids.trim().split("\n"), [configDigest, agentId], host);
      }
      assert.equal((await hostExec(isolated, "docker run --rm vendor/agent:7 echo agent")).trim(), "agent");
      const again = await ops(["run", "images", "-i", inv, "--output", "json"]);
      ok(again);
      for (const [host, s] of Object.entries(summaries(again)))
        assert.equal(s.applied.length, 0, `${host} applied ${JSON.stringify(s.applied)}`);
    } finally {
      forwarder.close();
    }
  });
  it("builds on a chosen build host (el9-2): the context streamed there, the image on to the isolated host; a second run builds and sends nothing", async () => {
    const BUILT = "team/built:1";
    const stamp = Date.now().toString(36);
    const sub = join(dir, "build-host");
    mkdirSync(join(sub, "built"), { recursive: true });
    // FROM the image the first test streamed to every host: el9-2 needs no registry to build.
    writeFileSync(
      join(sub, "built", "Dockerfile"),
      `FROM ${REF}\nARG STAMP\nCOPY note /note\nRUN echo "$STAMP" > /stamp\nCMD ["cat", "/note", "/stamp"]\n`,
    );
    writeFileSync(join(sub, "built", "note"), "built on a build host\n");
    assert.ok((await hostExec("el9-2", `docker image inspect --format '{{.Id}}' ${REF}`)).trim());
    execFileSync("docker", ["rmi", "-f", BUILT], { stdio: "ignore" });
    for (const h of ["el9-1", "el9-2", isolated])
      await hostExec(h, `docker rmi -f ${BUILT} >/dev/null 2>&1; true`);
    const inv = writeRegistryInventory(lab, sub, {
      ...registryVars(lab),
      images: [
        { ref: BUILT, source: "build", context: "built", build_host: "el9-2", build_args: { STAMP: stamp } },
      ],
    });
    // ops's SSH sessions on the build host since `since`: its pipeline, and the build's own.
    const sessions = async (since: string) =>
      Number(
        (
          await hostExec(
            "el9-2",
            `journalctl -q -u sshd --since @${since} --no-pager | grep -c 'Accepted publickey' || true`,
          )
        ).trim(),
      );
    const t0 = (await hostExec("el9-2", "date +%s")).trim();
    const res = await ops(["run", "images", "-i", inv, "--output", "json"]);
    ok(res);
    assert.ok((await sessions(t0)) >= 2, "the build ran over its own session on el9-2");
    const inspect = `docker image inspect --format '{{.Id}} {{index .Config.Labels "ops.build-context"}}' ${BUILT}`;
    const here = execFileSync("sh", ["-c", inspect], { encoding: "utf8" }).trim();
    assert.match(
      here,
      /^sha256:[0-9a-f]{64} sha256:[0-9a-f]{64}$/,
      "loaded here from the build host, labelled",
    );
    assert.equal(
      (await hostExec("el9-2", inspect)).trim(),
      here,
      "el9-2 built it: same id and context digest",
    );
    assert.ok(
      !ran(res, "el9-2").some((e) => e.description.startsWith(`load ${BUILT}`)),
      "the build host holds what it built: nothing streamed back to it",
    );
    for (const host of ["el9-1", isolated]) {
      const load = ran(res, host).find((e) => e.description.startsWith(`load ${BUILT}`));
      assert.ok(load?.bytes !== undefined && load.bytes > 1000, `${host}: ${JSON.stringify(load)}`);
      assert.equal((await hostExec(host, inspect)).trim(), here, host);
    }
    assert.equal(
      (await hostExec(isolated, `docker run --rm ${BUILT}`)).trim(),
      `built on a build host\n${stamp}`,
    );
    // Unchanged context: no build, no context sent, one command per host, nothing applied.
    const t1 = (await hostExec("el9-2", "date +%s")).trim();
    await new Promise((r) => setTimeout(r, 1100));
    const again = await ops(["run", "images", "-i", inv, "--output", "json"]);
    ok(again);
    for (const [host, s] of Object.entries(summaries(again))) {
      assert.equal(s.commands, 1, `${host} ran ${s.commands} commands`);
      assert.equal(s.applied.length, 0, `${host} applied ${JSON.stringify(s.applied)}`);
    }
    assert.equal(await sessions(t1), 1, "el9-2 saw its pipeline's session only: no build");
    assert.equal(execFileSync("sh", ["-c", inspect], { encoding: "utf8" }).trim(), here);
  });
  it("a pulled two-platform index: every (amd64) host gets the amd64 child, the isolated one streamed; a second run sends nothing", async () => {
    // FROM scratch + COPY per platform, no emulation: /hello names the platform it was made for.
    const seed = `images e2e ${Date.now().toString(36)}`;
    const multi = scratchIndex(seed, ["amd64", "arm64"]);
    const ep = { url: `https://${address}:443`, ca: readFileSync(join(dir, "ops-registry-ca.crt"), "utf8") };
    const dev = { user: "dev", password: PASSWORDS.dev };
    for (const img of multi.platforms) await pushImage(ep, dev, "pub/multi", img);
    await pushManifest(ep, dev, "pub/multi", multi.index, "1");
    const [amd, arm] = multi.platforms.map(
      (p) => JSON.parse(p.manifest.bytes.toString()).config.digest as string,
    );
    // The control machine's engine trusts a loopback registry without the lab's CA: a forwarder.
    const { forwarder, port } = await loopback(address, 443);
    try {
      const MULTI = "lab/multi:1";
      for (const h of ["el9-1", "el9-2", isolated])
        await hostExec(h, `docker rmi -f ${MULTI} >/dev/null 2>&1; true`);
      const sub = join(dir, "multi");
      mkdirSync(sub, { recursive: true });
      const inv = writeRegistryInventory(lab, sub, {
        ...registryVars(lab),
        images: [{ ref: MULTI, source: "pull", from: `127.0.0.1:${port}/pub/multi:1` }],
      });
      const res = await ops(["run", "images", "-i", inv, "--output", "json"]);
      ok(res);
      for (const host of ["el9-1", "el9-2", isolated]) {
        assert.equal(
          (await hostExec(host, `docker image inspect --format '{{.Id}}' ${MULTI}`)).trim(),
          amd,
          host,
        );
        const hello = await hostExec(
          host,
          `c=$(docker create ${MULTI}); docker cp "$c":/hello - | tar -xO; docker rm "$c" >/dev/null`,
        );
        assert.match(hello, new RegExp(`hello from ${seed} amd64`), host);
        assert.notEqual(amd, arm);
      }
      // Chosen from the index the control machine read, not merely the control machine's own pull.
      const load = ran(res, isolated).find((e) => e.description.startsWith(`load ${MULTI}`));
      assert.ok(load?.bytes !== undefined && load.bytes > 100, JSON.stringify(ran(res, isolated)));
      assert.match(load.description, /\(linux\/amd64 of the index\)/);
      const again = await ops(["run", "images", "-i", inv, "--output", "json"]);
      ok(again);
      for (const [host, s] of Object.entries(summaries(again))) {
        assert.equal(s.commands, 1, `${host} ran ${s.commands} commands`);
        assert.equal(s.applied.length, 0, `${host} applied ${JSON.stringify(s.applied)}`);
      }
    } finally {
      forwarder.close();
    }
  });
});
