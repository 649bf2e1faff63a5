/**
 * ops init against the lab's Debian host beside an el9 one, from an answers file (`docker_repo`, not
 * the old `yum_repo`): Debian's own docker.io installed (seen by the probe, removed only as allowed),
 * a password user whose key the wizard installs, two mirror roots of one's own timed from each host
 * in its own tree (apt's InRelease for bookworm, dnf's repomd.xml for el9; one root holds only
 * Docker's CentOS tree, so Debian cannot use it), the repo's key confirmed by fingerprint, then the
 * install-engine run it drives (apt and dnf from the one root) and ops verify, both passing. One run
 * on a fresh debian12-1 and el9-3.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { DEB_ENGINE_VERSION } from "../lab/apt-packages.js";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { failures, ops, summaries } from "./helpers/ops-cli.js";
import { person } from "./helpers/person.js";
import { installStubDeb } from "./helpers/stub-deb.js";

const DEB = "debian12-1";
const EL = "el9-3";
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("ops init on the debian12 host beside an el9 one, from an answers file", function () {
  this.timeout(900_000);
  let lab: LabInfo;

  before(async () => {
    lab = await labUp();
    if (lab.aptRepoUrl === undefined || !lab.hosts.some((h) => h.name === DEB))
      throw new Error("the lab needs debian12-1 and its apt repo: npm run lab:up -- --debian12 1");
    // One after the other: each rewrites known_hosts.
    await recreateHost(DEB);
    await recreateHost(EL);
    lab = readLab();
    // A Debian host as people have them: Debian's own engine package, which docker-ce conflicts with.
    await installStubDeb(DEB, "docker.io", "20.10.24+dfsg1-1");
  });

  it("docker.io seen and its removal asked; docker_repo roots timed in each host's own tree (apt's InRelease on debian12), the root both reach chosen and its key confirmed; the install-engine it drives installs from it with apt and dnf; verify passes; a second run is a no-op", async () => {
    const deb = lab.hosts.find((h) => h.name === DEB);
    const el = lab.hosts.find((h) => h.name === EL);
    assert.ok(deb && el);
    const { home, cwd } = person();
    const repoServer = new URL(lab.repoUrl).origin;
    // Mirror roots as a site names them: one like mirrors.aliyun.com/docker-ce (both trees), and
    // one whose root holds Docker's CentOS tree alone (the lab's vendor rebuild).
    const mirror = `${repoServer}/docker-ce`;
    const centosOnly = `${repoServer}/vendor`;
    const answers = join(cwd, "answers.yaml");
    writeFileSync(
      answers,
      stringify({
        inventory: join(cwd, "hosts.yaml"),
        hosts: { addresses: [deb.address, el.address] },
        ssh: {
          user: lab.passwordUser.name,
          auth: "password",
          password_env: "OPS_INIT_PASSWORD",
          become: true,
        },
        host_keys: "accept-new",
        install_key: true,
        docker_repo: {
          candidates: [centosOnly, mirror],
          choice: "fastest",
          key_fingerprint: lab.gpgFingerprint,
        },
        registry_mirrors: { candidates: [lab.mirrorUrl] },
        run: { "install-engine": true, yes: true, verify: true },
      }),
    );
    const env = { ...process.env, HOME: home, OPS_INIT_PASSWORD: lab.passwordUser.password };
    const started = Date.now();
    const init = await ops(
      ["init", "--answers", answers, "--known-hosts", join(cwd, "known_hosts")],
      "",
      undefined,
      [],
      env,
    );
    const out = init.stdout + init.stderr;
    // Kept for docs/WIZARD.md when asked, as the terminal test keeps its screens.
    const screens = process.env["OPS_WIZARD_SCREENS"];
    if (screens) writeFileSync(join(screens, "debian-answers.txt"), out);
    console.log(
      `      ops init on ${DEB} and ${EL} (probe, key, timing, install-engine, verify): ${Date.now() - started} ms`,
    );
    assert.equal(init.code, 0, out);
    assert.doesNotMatch(out, /yum_repo|warning/i, "docker_repo is the current name: no warning");

    // The probe read dpkg's database, and the removal install-engine needs was asked, naming the host.
    assert.match(
      out,
      /✔ debian12-1 · Debian GNU\/Linux 12 \(bookworm\) · kernel \S+ · x86_64 · sudo ok · docker\.io 20\.10\.24\+dfsg1 · /,
    );
    assert.match(out, /✔ el9-3 · CentOS Stream 9 · kernel \S+ · x86_64 · sudo ok · no engine · /);
    assert.match(out, /conflict with docker-ce on debian12-1\. Allow it \(--yes\)\? yes\n/);
    assert.match(out, /^ {2}ops run install-engine -i \S+hosts\.yaml --yes$/m);

    // Timing: each root was asked for the host's own tree: bookworm's InRelease under linux/debian
    // from debian12-1 (the CentOS-only root has none), el9's repomd.xml from el9-3.
    const row = (name: string) => new RegExp(`^\\s+(→| ) ${esc(name)}\\s+(.*)$`, "m").exec(out);
    assert.equal(row(mirror)?.[1], "→", out);
    assert.match(row(mirror)?.[2] ?? "", /^\d+ ms from 2\/2 hosts$/);
    assert.match(row(centosOnly)?.[2] ?? "", /^no good answer from 1\/2 hosts: HTTP 404$/);
    assert.match(row("official (download.docker.com)")?.[2] ?? "", /^unreachable from 2\/2 hosts/);
    assert.ok(out.includes(`✔ Which docker-ce repo? ${mirror}\n`), out);

    // What it wrote: one root for every family, the key confirmed, the key installed, no password.
    const hostsYaml = readFileSync(join(cwd, "hosts.yaml"), "utf8");
    const allYaml = readFileSync(join(cwd, "group_vars", "all.yaml"), "utf8");
    assert.match(
      hostsYaml,
      /debian12:\n\s+hosts:\n\s+debian12-1: # named by its hostname; probed [^\n]*Debian/,
    );
    assert.match(hostsYaml, /el9:\n\s+hosts:\n\s+el9-3: # named by its hostname; probed [^\n]*CentOS/);
    assert.match(hostsYaml, /ansible_ssh_private_key_file: ~\/\.ssh\/id_ed25519/);
    assert.ok(!(hostsYaml + allYaml).includes(lab.passwordUser.password), "a password was written");
    assert.match(allYaml, new RegExp(`^docker_mirror: ${esc(mirror)}$`, "m"));
    assert.match(allYaml, new RegExp(`# fingerprint of ${esc(mirror)}/linux/debian/gpg as `));
    const fingerprint = /^docker_repo_gpg_fingerprint: (.*)$/m.exec(allYaml)?.[1] ?? "";
    assert.equal(fingerprint.replace(/ /g, ""), lab.gpgFingerprint.replace(/ /g, "").toUpperCase());

    // The install it drove: apt, from the chosen root's Debian tree, signed by that key.
    const sources = await hostExec(DEB, "cat /etc/apt/sources.list.d/docker-ce.sources");
    assert.match(sources, new RegExp(`^URIs: ${esc(mirror)}/linux/debian$`, "m"));
    assert.match(sources, /^Suites: bookworm$/m);
    assert.match(sources, /^Signed-By: \/etc\/apt\/keyrings\/docker-ce\.asc$/m);
    const version = await hostExecResult(DEB, "dpkg-query -W -f='${Version}' docker-ce");
    assert.equal(version.stdout.trim(), DEB_ENGINE_VERSION);
    assert.equal((await hostExec(DEB, "systemctl is-active docker")).trim(), "active");
    const repo = await hostExec(EL, "cat /etc/yum.repos.d/docker-ce.repo");
    assert.match(repo, new RegExp(`^baseurl=${esc(mirror)}/linux/centos/9/\\$basearch/stable$`, "m"));
    assert.match(await hostExec(EL, "rpm -q docker-ce"), /^docker-ce-20\.10\.24/);
    assert.equal((await hostExec(EL, "systemctl is-active docker")).trim(), "active");
    const old = await hostExecResult(DEB, "dpkg-query -W -f='${db:Status-Status}' docker.io");
    assert.notEqual(old.stdout.trim(), "installed", "docker.io is still installed");
    assert.match(out, /^debian12-1: changed: remove conflicting docker\.io /m);
    // The verify it ran, by its own lines: every check of the host passed.
    assert.match(out, /\$ ops verify -i \S+hosts\.yaml\n/);
    for (const h of [DEB, EL]) assert.match(out, new RegExp(`^${h}: (\\d+)/\\1 checks passed$`, "m"));
    assert.match(out, /^checks: \d+ passed, 0 failed, 0 errors$/m);
    assert.match(
      out,
      new RegExp(`^Wrote ${esc(cwd)}/hosts\\.yaml and ${esc(cwd)}/group_vars/all\\.yaml `, "m"),
    );

    const again = await ops(
      ["run", "install-engine", "-i", join(cwd, "hosts.yaml"), "--output", "json"],
      "",
      undefined,
      [],
      { ...process.env, HOME: home },
    );
    assert.equal(again.code, 0, again.stderr);
    for (const h of [DEB, EL]) {
      assert.equal(summaries(again)[h]?.status, "ok", failures(again, h).join("; "));
      assert.equal(summaries(again)[h]?.changed, 0, h);
      assert.equal(summaries(again)[h]?.commands, 1, h);
    }
  });
});
