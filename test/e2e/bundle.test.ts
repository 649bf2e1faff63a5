/**
 * Offline bundles end to end: `ops bundle create` on the control machine (the lab's signed repo and
 * hub), then one el9 host cut off from everything but the control machine (its routes dropped
 * inside it) installs and starts the engine from the bundle, passes verify with the bundle's test
 * image, stands the registry up from the bundle's images and gets the images playbook's pulled
 * image from it (the control machine pulls nothing either); a repo of the site's that it cannot
 * reach is left unread (dnf reads the bundle's repo alone). The bundle is signed with this control
 * machine's key: a flipped byte in an RPM, a manifest rewritten to match it, and a changed signature
 * are each refused before anything reaches the host. Then one bundle made for an inventory of an el9
 * host and a Debian host serves both, cut off, in one install-engine run: each installs its own
 * family's packages from it. The hosts are recreated afterwards.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { cutHost } from "./helpers/air-gap.js";
import { failures, ops as opsAs, summaries, type OpsResult } from "./helpers/ops-cli.js";

const HOST = "el9-3";
// This file's control machine keeps its bundle key in a config folder of its own.
let configHome = "";
const ops = (args: readonly string[], config = configHome): Promise<OpsResult> =>
  opsAs(args, "", undefined, [], { ...process.env, XDG_CONFIG_HOME: config });
const ROOT_PASSWORD = "bundle-Root-9c1e";
/** The images playbook's image in the el9 bundle. */
const TOOLS = "site/bundle-tools:1.0";

/** Byte offset and size of the data of the first tar entry whose name matches `re`. */
function entryOffset(file: string, re: RegExp): { name: string; offset: number; size: number } {
  const fd = openSync(file, "r");
  try {
    const header = Buffer.alloc(512);
    for (let at = 0; ;) {
      if (readSync(fd, header, 0, 512, at) < 512 || header[0] === 0) throw new Error(`no entry ${re}`);
      const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
      const size = parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim(), 8);
      if (re.test(name)) return { name, offset: at + 512, size };
      at += 512 + Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
}

function safeReadLab(): LabInfo | undefined {
  try {
    return readLab();
  } catch {
    return undefined;
  }
}

/**
 * The running lab as it is (labUp only when it is not up) with `name` recreated clean for this file,
 * and a folder of the test's own, holding the control machine's bundle key folder.
 */
async function freshHost(name: string): Promise<{ lab: LabInfo; address: string; dir: string }> {
  if (!safeReadLab()?.hosts.some((h) => h.name === name)) await labUp({ el9: 3, debian12: 1 });
  await recreateHost(name);
  const lab = readLab();
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`no lab host ${name}`);
  const dir = mkdtempSync(join(tmpdir(), "ops-bundle-"));
  configHome = join(dir, "config");
  return { lab, address: host.address, dir };
}

/** The lab's SSH access as root, for an inventory's vars. */
const access = (lab: LabInfo) => ({
  ansible_user: "root",
  ansible_ssh_private_key_file: lab.privateKeyFile,
  known_hosts: lab.knownHostsFile,
});

const stepsOf = (r: OpsResult, host = HOST): string[] =>
  r.events.flatMap((e) => (e.kind === "step-ran" && e.host === host ? [e.description] : []));

/**
 * install-engine --bundle on `host`: it succeeds, sends the bundle and leaves the engine running.
 * Gives the run, the host's steps and how long it took.
 */
async function installFromBundle(host: string, inventory: string, bundle: string) {
  const t0 = Date.now();
  const r = await ops(["run", "install-engine", "-i", inventory, "--bundle", bundle, "--output", "json"]);
  const ms = Date.now() - t0;
  assert.equal(r.code, 0, failures(r, host).join("; ") + r.stderr);
  const steps = stepsOf(r, host);
  assert.ok(
    steps.some((s) => /^send bundle [0-9a-f]{12} \(/.test(s)),
    steps.join("\n"),
  );
  assert.equal((await hostExec(host, "systemctl is-active docker")).trim(), "active");
  return { r, steps, ms };
}

/** ops verify --bundle passes on every host; gives its events. */
async function verifyPasses(inventory: string, bundle: string) {
  const verify = await ops(["verify", "-i", inventory, "--bundle", bundle, "--output", "json"]);
  const notPassing = verify.events.flatMap((e) =>
    e.kind === "check-result" && e.check.status !== "pass"
      ? [`${e.check.id}: ${e.check.status} ${e.check.message}`]
      : [],
  );
  assert.equal(verify.code, 0, notPassing.join("\n") || verify.stderr);
  return verify;
}

describe("offline bundle: an air-gapped host installs from it", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let dir: string;
  let inventory: string;
  let bundle: string;

  before(async () => {
    let address: string;
    ({ lab, address, dir } = await freshHost(HOST));
    bundle = join(dir, "site.bundle.tar");
    inventory = join(dir, "hosts.yaml");
    // No registry_mirrors: the host reaches no registry. The repo URL is where the bundle comes from.
    const vars = {
      ...access(lab),
      docker_repo_url: lab.repoUrl,
      docker_repo_gpg_fingerprint: lab.gpgFingerprint,
      registry_images: { registry: "registry:2.8.2", nginx: "nginx:1.22.1" },
      // The bundle carries the two images checked below; the portal (on by default) would add the
      // policy service's node image, which this air-gapped proof does not need.
      registry_portal: false,
      registry_users: [{ name: "root", password: ROOT_PASSWORD, admin: true }],
      // The images playbook's image, pulled from the hub's busybox into the bundle under its own name.
      images: [{ ref: TOOLS, source: "pull", from: "busybox" }],
    };
    // No earlier run left it on the control machine: the images run must not make it there.
    execFileSync("docker", ["image", "rm", "-f", TOOLS], { stdio: "ignore" });
    const doc = {
      all: { vars, children: { registry: { hosts: { [HOST]: { ansible_host: address } } } } },
    };
    writeFileSync(inventory, stringify(doc));
  });

  after(async () => {
    await recreateHost(HOST);
  });

  it("bundle create fetches the pinned RPMs, the key and the images, with a manifest that bundle verify checks", async () => {
    const t0 = Date.now();
    const made = await ops([
      "bundle",
      "create",
      "-i",
      inventory,
      "-p",
      "install-engine",
      "-p",
      "deploy-registry",
      "-p",
      "images",
      "--image-source",
      `http://${lab.hubRegistry}`,
      "-o",
      bundle,
    ]);
    const ms = Date.now() - t0;
    assert.equal(made.code, 0, made.stderr + made.stdout);
    assert.match(made.stdout, /bundle for el9 x86_64: install-engine, deploy-registry, images/);
    const keyId = /made this machine's bundle signing key (ed25519:[0-9a-f]{32}) \(/.exec(made.stdout)?.[1];
    assert.ok(keyId, made.stdout);
    assert.match(made.stdout, new RegExp(`signed by ${keyId}`));
    const checked = await ops(["bundle", "verify", bundle]);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, new RegExp(`signed by ${keyId}; \\d+ files match the manifest`));
    // Another control machine refuses it until it trusts this one's public key.
    const elsewhere = join(dir, "elsewhere");
    const refused = await ops(["bundle", "verify", bundle], elsewhere);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`signed by key ${keyId}, which this machine does not trust`));
    mkdirSync(join(elsewhere, "ops", "bundle-trusted"), { recursive: true });
    copyFileSync(
      join(configHome, "ops", "bundle-signing", "key.pub.pem"),
      join(elsewhere, "ops", "bundle-trusted", "site.pem"),
    );
    assert.equal((await ops(["bundle", "verify", bundle], elsewhere)).code, 0);
    assert.match(checked.stdout, /docker-ce-3:20\.10\.24-1\.el9\.x86_64/);
    assert.match(checked.stdout, /docker-ce-cli-1:20\.10\.24-1\.el9\.x86_64/);
    assert.ok(
      !checked.stdout.includes("20.10.23"),
      "only the version dnf would choose (the newest) is bundled",
    );
    for (const image of ["busybox", "registry:2.8.2", "nginx:1.22.1", TOOLS])
      assert.match(checked.stdout, new RegExp(`image ${image.replace(".", "\\.")} \\(x86_64\\) sha256:`));
    const size = Number(/^wrote .*\((\d+) bytes\)/m.exec(made.stdout)?.[1]);
    console.log(`      bundle: ${size} bytes, created in ${(ms / 1000).toFixed(1)} s`);
  });

  it("a flipped byte in an RPM, a manifest rewritten to match it, and a changed signature are refused before anything reaches the host", async () => {
    await cutHost(HOST);
    const refusedRun = async (file: string, why: RegExp) => {
      const r = await ops(["run", "install-engine", "-i", inventory, "--bundle", file, "--output", "json"]);
      assert.equal(r.code, 1, r.stderr + r.stdout.slice(-2000));
      assert.match(r.stderr, why);
      assert.match(r.stderr, /nothing was sent to any host/);
      assert.ok(
        !r.events.some((e) => e.kind === "host-connected" || e.kind === "step-ran"),
        "a host was reached",
      );
    };
    const patch = (file: string, at: number, bytes: Buffer) => {
      const fd = openSync(file, "r+");
      writeSync(fd, bytes, 0, bytes.length, at);
      closeSync(fd);
    };
    // 1. One flipped byte in the engine's RPM: its checksum no longer matches the manifest.
    const tampered = join(dir, "tampered.bundle.tar");
    copyFileSync(bundle, tampered);
    const rpm = entryOffset(tampered, /\/docker-ce-20\.10\.24.*\.rpm$/);
    const b = Buffer.alloc(1);
    const fd = openSync(tampered, "r");
    readSync(fd, b, 0, 1, rpm.offset + 4096);
    closeSync(fd);
    patch(tampered, rpm.offset + 4096, Buffer.from([(b[0] ?? 0) ^ 0x01]));
    await refusedRun(
      tampered,
      new RegExp(`refused: ${rpm.name.replace(/[.+]/g, "\\$&")} does not match the manifest`),
    );
    // 2. The same RPM with manifest.json rewritten to its new sha256: only the signature catches it.
    const rewritten = join(dir, "rewritten.bundle.tar");
    copyFileSync(tampered, rewritten);
    const whole = readFileSync(rewritten);
    const oldSha = createHash("sha256")
      .update(readFileSync(bundle).subarray(rpm.offset, rpm.offset + rpm.size))
      .digest("hex");
    const newSha = createHash("sha256")
      .update(whole.subarray(rpm.offset, rpm.offset + rpm.size))
      .digest("hex");
    const manifest = entryOffset(rewritten, /^manifest\.json$/);
    const text = whole.subarray(manifest.offset, manifest.offset + manifest.size).toString();
    assert.ok(text.includes(oldSha));
    patch(rewritten, manifest.offset, Buffer.from(text.replace(oldSha, newSha)));
    await refusedRun(
      rewritten,
      /the signature in manifest\.sig does not match manifest\.json .*changed after signing/,
    );
    // 3. The untouched bundle with one character of its signature changed.
    const resigned = join(dir, "resigned.bundle.tar");
    copyFileSync(bundle, resigned);
    const sig = entryOffset(resigned, /^manifest\.sig$/);
    const sigText = readFileSync(resigned)
      .subarray(sig.offset, sig.offset + sig.size)
      .toString();
    const changed = sigText.replace(
      /"signature": "(.)/,
      (_m, c: string) => `"signature": "${c === "A" ? "B" : "A"}`,
    );
    patch(resigned, sig.offset, Buffer.from(changed));
    await refusedRun(resigned, /the signature in manifest\.sig does not match manifest\.json/);
    assert.equal((await hostExecResult(HOST, "rpm -q docker-ce")).exitCode, 1, "docker-ce got installed");
    assert.equal((await hostExecResult(HOST, "test -e /var/lib/ops/bundles")).exitCode, 1, "bytes were sent");
  });

  it("install-engine --bundle installs and starts the engine with no route to the repo or any registry, beside a dead repo dnf cannot read; verify passes", async () => {
    // The cut is real: the repo and the hub are unreachable from the host.
    const probe = await hostExecResult(HOST, `curl -sS --max-time 5 -o /dev/null ${lab.repoUrl}/gpg`);
    assert.notEqual(probe.exitCode, 0, "the host still reaches the repo");
    assert.match(probe.stderr, /unreachable|No route|Couldn't connect/i);
    // A site's own repo the host can no longer reach: plain dnf fails on it; install-engine must not ask it.
    // skip_if_unavailable=False is EL9's default (the lab's Debian-built dnf.conf says True).
    await hostExec(
      HOST,
      "printf '[site-base]\\nname=Site base\\nbaseurl=http://10.255.0.1/el9/BaseOS/\\nenabled=1\\ngpgcheck=1\\nskip_if_unavailable=False\\n' > /etc/yum.repos.d/site-base.repo",
    );
    const plain = await hostExecResult(HOST, "dnf -q --setopt=retries=1 makecache");
    assert.notEqual(plain.exitCode, 0, "dnf read the dead repo");
    assert.match(plain.stderr, /site-base/);
    const { steps, ms } = await installFromBundle(HOST, inventory, bundle);
    assert.ok(
      steps.some((s) => s.startsWith("load busybox from bundle")),
      steps.join("\n"),
    );
    assert.match(await hostExec(HOST, "rpm -q docker-ce"), /^docker-ce-20\.10\.24-1\.el9/);
    const repo = await hostExec(HOST, "cat /etc/yum.repos.d/docker-ce.repo");
    assert.match(
      repo,
      /baseurl=file:\/\/\/var\/lib\/ops\/bundles\/[0-9a-f]{64}\/rpm\/centos\/9\/\$basearch\/stable/,
    );
    assert.match(repo, /\[docker-ce-stable\][^[]*gpgcheck=1/);
    console.log(`      ship + install from the bundle: ${(ms / 1000).toFixed(1)} s`);

    const verify = await verifyPasses(inventory, bundle);
    const image = verify.events.find((e) => e.kind === "check-result" && e.check.id === "image.pull");
    assert.ok(image && image.kind === "check-result");
    assert.equal(image.check.status, "pass");
    assert.match(image.check.message, /busybox is the bundle's image/);
  });

  it("a second run sends nothing: the host has the bundle by checksum", async () => {
    const r = await ops(["run", "install-engine", "-i", inventory, "--bundle", bundle, "--output", "json"]);
    assert.equal(r.code, 0, failures(r, HOST).join("; "));
    assert.equal(summaries(r)[HOST]?.changed, 0);
    assert.equal(summaries(r)[HOST]?.commands, 1);
  });

  it("deploy-registry stands up from the bundle's images, resuming a copy cut short", async () => {
    // A copy cut short: the unpacked tree is gone and the first 40 MB of the file are on the host.
    const sha = execFileSync("sha256sum", [bundle]).toString().split(" ")[0] ?? "";
    await hostExec(HOST, `rm -rf /var/lib/ops/bundles/${sha}`);
    execFileSync("sh", [
      "-c",
      `head -c 40000000 '${bundle}' | docker exec -i ops-lab-${HOST} sh -c 'cat > /var/lib/ops/bundles/${sha}.part'`,
    ]);
    const r = await ops(["run", "deploy-registry", "-i", inventory, "--bundle", bundle, "--output", "json"]);
    assert.equal(r.code, 0, failures(r, HOST).join("; ") + r.stderr);
    const steps = stepsOf(r);
    assert.ok(
      steps.some((s) => /^send bundle .*resuming at byte 40000000/.test(s)),
      steps.join("\n"),
    );
    assert.ok(
      steps.some((s) => s.startsWith("load registry:2.8.2 from bundle")),
      steps.join("\n"),
    );
    assert.ok(
      steps.some((s) => s.startsWith("load nginx:1.22.1 from bundle")),
      steps.join("\n"),
    );
    const ps = await hostExec(HOST, "docker ps --format '{{.Image}} {{.Status}}'");
    assert.match(ps, /registry:2\.8\.2 Up/);
    assert.match(ps, /nginx:1\.22\.1 Up/);
  });

  it("ops run images --bundle loads the images playbook's image from the bundle, the control machine pulling nothing; a second run sends nothing", async () => {
    const r = await ops(["run", "images", "-i", inventory, "--bundle", bundle, "--output", "json"]);
    assert.equal(r.code, 0, failures(r, HOST).join("; ") + r.stderr);
    const steps = stepsOf(r);
    assert.deepEqual(
      steps.filter((s) => s.startsWith("load ")),
      [
        `load ${TOOLS} from bundle ${(execFileSync("sha256sum", [bundle]).toString().split(" ")[0] ?? "").slice(0, 12)}`,
      ],
    );
    const listed = (await ops(["bundle", "verify", bundle])).stdout;
    const id = new RegExp(`image ${TOOLS.replace(/[./]/g, "\\$&")} \\(x86_64\\) (sha256:[0-9a-f]{64})`).exec(
      listed,
    )?.[1];
    assert.ok(id, listed);
    assert.equal((await hostExec(HOST, `docker image inspect --format '{{.Id}}' ${TOOLS}`)).trim(), id);
    // The host still reaches no registry: the image runs from what the bundle loaded.
    assert.equal((await hostExec(HOST, `docker run --rm --network none ${TOOLS} echo ran`)).trim(), "ran");
    assert.throws(() => execFileSync("docker", ["image", "inspect", TOOLS], { stdio: "ignore" }));
    const again = await ops(["run", "images", "-i", inventory, "--bundle", bundle, "--output", "json"]);
    assert.equal(again.code, 0, failures(again, HOST).join("; "));
    assert.equal(summaries(again)[HOST]?.changed, 0);
    assert.equal(summaries(again)[HOST]?.commands, 1);
  });
});

describe("offline bundle: one bundle serves an air-gapped Debian host and an el9 host in one run", function () {
  this.timeout(900_000);
  const DEB = "debian12-1";
  let lab: LabInfo;
  let dir: string;
  let inventory: string;
  let bundle: string;

  before(async () => {
    let address: string;
    ({ lab, address, dir } = await freshHost(DEB));
    if (lab.aptRepoUrl === undefined) throw new Error("the lab has no apt repo");
    await recreateHost(HOST);
    const el9 = readLab().hosts.find((h) => h.name === HOST);
    if (!el9) throw new Error(`no lab host ${HOST}`);
    bundle = join(dir, "site.bundle.tar");
    inventory = join(dir, "hosts.yaml");
    // Each family's group says where its packages come from, as a fleet's group_vars would: the el9
    // group the lab's yum tree, the Debian group a mirror's root (its distribution picks linux/debian).
    const doc = {
      all: {
        vars: { ...access(lab), docker_repo_gpg_fingerprint: lab.gpgFingerprint },
        children: {
          el9: { vars: { docker_repo_url: lab.repoUrl }, hosts: { [HOST]: { ansible_host: el9.address } } },
          debian12: {
            vars: { docker_mirror: lab.aptRepoUrl.replace(/\/linux\/debian\/?$/, "") },
            hosts: { [DEB]: { ansible_host: address } },
          },
        },
      },
    };
    writeFileSync(inventory, stringify(doc));
  });

  after(async () => {
    await recreateHost(DEB);
    await recreateHost(HOST);
  });

  it("bundle create reads each host's release and fetches Docker's .debs with their index as signed, the el9 RPMs and the one key", async () => {
    const made = await ops([
      "bundle",
      "create",
      "-i",
      inventory,
      "-p",
      "install-engine",
      "--image-source",
      `http://${lab.hubRegistry}`,
      "-o",
      bundle,
    ]);
    assert.equal(made.code, 0, made.stderr + made.stdout);
    assert.match(made.stdout, /^bundle for .*el9 x86_64/m);
    assert.match(made.stdout, /^bundle for .*debian 12 \(bookworm\) x86_64.*: install-engine$/m);
    const checked = await ops(["bundle", "verify", bundle]);
    assert.equal(checked.code, 0, checked.stderr);
    const line = /^ {2}deb debian 12 \(bookworm\) x86_64: (.*)$/m.exec(checked.stdout)?.[1] ?? "";
    assert.match(line, /docker-ce=5:20\.10\.24-1~debian\.12~bookworm/, checked.stdout);
    assert.match(line, /docker-ce-cli=5:20\.10\.24-1~debian\.12~bookworm/);
    assert.match(line, /containerd\.io=1\.6\.20-1/);
    assert.match(checked.stdout, /docker-ce-3:20\.10\.24-1\.el9\.x86_64/);
    const listing = execFileSync("tar", ["-tf", bundle]).toString();
    assert.match(listing, /^deb\/debian\/dists\/bookworm\/InRelease$/m);
    assert.match(listing, /^deb\/debian\/dists\/bookworm\/stable\/binary-amd64\/Packages$/m);
    assert.match(
      listing,
      /^deb\/debian\/dists\/bookworm\/pool\/stable\/amd64\/docker-ce_20\.10\.24.*_amd64\.deb$/m,
    );
    assert.match(listing, /^rpm\/centos\/9\/x86_64\/stable\/.*docker-ce-20\.10\.24-1\.el9\.x86_64\.rpm$/m);
    assert.doesNotMatch(listing, /docker-ce_20\.10\.23|docker-ce-20\.10\.23/);
    console.log(`      el9 + debian bundle: ${readFileSync(bundle).length} bytes`);
  });

  it("install-engine --bundle installs and starts the engine on both hosts in one run, each from its own family's packages, with no route but to the control machine (a dead apt source beside); verify passes; a second run sends nothing", async () => {
    await Promise.all([cutHost(DEB), cutHost(HOST)]);
    for (const [host, url] of [
      [DEB, `${lab.aptRepoUrl ?? ""}/gpg`],
      [HOST, `${lab.repoUrl}/gpg`],
    ] as const) {
      const probe = await hostExecResult(host, `curl -sS --max-time 5 -o /dev/null ${url}`);
      assert.notEqual(probe.exitCode, 0, `${host} still reaches the repo`);
    }
    // A site's own Debian mirror the host can no longer reach: plain apt fails on it.
    await hostExec(
      DEB,
      "printf 'Types: deb\\nURIs: http://10.255.0.1/debian\\nSuites: bookworm\\nComponents: main\\n' > /etc/apt/sources.list.d/site.sources",
    );
    const plain = await hostExecResult(DEB, "apt-get -q -o Acquire::Retries=0 update");
    assert.match(plain.stdout + plain.stderr, /10\.255\.0\.1/);
    assert.match(plain.stdout + plain.stderr, /Failed to fetch|Some index files failed|unreachable/i);

    const t0 = Date.now();
    const r = await ops(["run", "install-engine", "-i", inventory, "--bundle", bundle, "--output", "json"]);
    const ms = Date.now() - t0;
    assert.equal(r.code, 0, [...failures(r, DEB), ...failures(r, HOST)].join("; ") + r.stderr);
    // The same bundle (one sha256) went to both hosts.
    const sent = [DEB, HOST].map((h) =>
      stepsOf(r, h)
        .find((s) => /^send bundle [0-9a-f]{12} \(/.test(s))
        ?.slice(0, 24),
    );
    assert.ok(sent[0] !== undefined && sent[0] === sent[1], JSON.stringify(sent));
    for (const h of [DEB, HOST])
      assert.equal((await hostExec(h, "systemctl is-active docker")).trim(), "active", h);
    assert.equal(
      (await hostExec(DEB, "dpkg-query -W -f '${Version}' docker-ce")).trim(),
      "5:20.10.24-1~debian.12~bookworm",
    );
    assert.match(await hostExec(HOST, "rpm -q docker-ce"), /^docker-ce-20\.10\.24-1\.el9/);
    const sources = await hostExec(DEB, "cat /etc/apt/sources.list.d/docker-ce.sources");
    assert.match(sources, /^URIs: file:\/\/\/var\/lib\/ops\/bundles\/[0-9a-f]{64}\/deb\/debian$/m);
    assert.match(sources, /^Signed-By: \/etc\/apt\/keyrings\/docker-ce\.asc$/m);
    assert.match(
      await hostExec(HOST, "cat /etc/yum.repos.d/docker-ce.repo"),
      /baseurl=file:\/\/\/var\/lib\/ops\/bundles\/[0-9a-f]{64}\/rpm\/centos\/9\/\$basearch\/stable/,
    );
    console.log(
      `      ship + install from one bundle on debian12-1 and ${HOST}: ${(ms / 1000).toFixed(1)} s`,
    );

    await verifyPasses(inventory, bundle);

    const again = await ops([
      "run",
      "install-engine",
      "-i",
      inventory,
      "--bundle",
      bundle,
      "--output",
      "json",
    ]);
    assert.equal(again.code, 0, [...failures(again, DEB), ...failures(again, HOST)].join("; "));
    for (const h of [DEB, HOST]) {
      assert.equal(summaries(again)[h]?.changed, 0, h);
      assert.equal(summaries(again)[h]?.commands, 1, h);
    }
  });
});
