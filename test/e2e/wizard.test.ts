/**
 * ops init in a real terminal (tmux) against the lab: a person types addresses and a password,
 * confirms host keys, lets the wizard install a key, picks the measured mirror and runs
 * install-engine. With OPS_WIZARD_SCREENS=<dir>, every screen is saved there (docs/WIZARD.md).
 */
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hostExec, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { BIN, failures, ops, summaries } from "./helpers/ops-cli.js";
import { person } from "./helpers/person.js";
import { Terminal } from "./helpers/tmux.js";

const SCREENS = process.env["OPS_WIZARD_SCREENS"];

/** Keeps a screen for the docs, when asked to. */
function keep(name: string, screen: string): void {
  if (!SCREENS) return;
  mkdirSync(SCREENS, { recursive: true });
  writeFileSync(join(SCREENS, `${name}.txt`), `${screen}\n`);
}

describe("ops init in a real terminal, on the lab", function () {
  this.timeout(900_000);
  let lab: LabInfo;

  before(async () => {
    lab = await labUp({ el9: 3 });
    for (const h of lab.hosts) await recreateHost(h.name);
    lab = readLab();
  });

  it("password user: fingerprints confirmed, key installed, lab repo measured fastest, install-engine and verify run; a second run is a no-op", async () => {
    const { home, cwd, env } = person();
    const knownHosts = join(cwd, "known_hosts");
    const [h1, h2] = lab.hosts;
    assert.ok(h1 && h2);
    const t = await Terminal.start([process.execPath, BIN, "init", "--known-hosts", knownHosts], {
      cwd,
      env,
    });
    try {
      keep("01-inventory", await t.answer(/Inventory file to write/));
      await t.answer(
        /Host addresses/,
        `${h1.address.replace(/\d+$/, "")}[${h1.address.split(".")[3]}:${h2.address.split(".")[3]}]`,
      );
      await t.answer(/ +more \(Enter when done\)/);
      await t.answer(/SSH user/, lab.passwordUser.name);
      // No agent and no key in ~/.ssh: a password is the default.
      keep("02-login", await t.answer(/How do you log in\?/));
      await t.answer(/Password of opsinit/, lab.passwordUser.password);
      await t.answer(/Run as root through sudo/);
      const keys = await t.waitForPrompt(/Trust these host keys\?/, 60_000);
      keep("03-host-keys", keys);
      for (const h of [h1, h2]) {
        assert.match(
          keys,
          new RegExp(`${h.address.replace(/\./g, "\\.")}\\s+\\? new host key ssh-ed25519 SHA256:`),
        );
      }
      await t.keys("Enter");
      const probed = await t.waitForPrompt(/Install a new key pair/, 60_000);
      keep("04-probe", probed);
      assert.match(
        probed,
        /✔ el9-1 · CentOS Stream 9 · kernel .* · x86_64 · sudo ok · no engine · [\d.]+ GiB free/,
      );
      await t.keys("Enter");
      keep("05-key-installed", await t.answer(/own mirror of Docker's repos/, lab.repoUrl, 60_000));
      await t.answer(/ +more \(Enter when done\)/);
      await t.answer(/Registry mirrors to time/, lab.mirrorUrl);
      await t.answer(/ +more \(Enter when done\)/);
      const measured = await t.waitForPrompt(/Which docker-ce repo\?/, 60_000);
      keep("06-mirrors", measured);
      // The lab has no internet: the public candidates fail fast; the lab's repo is recommended.
      assert.match(measured, new RegExp(`❯ ${lab.repoUrl.replace(/[./]/g, "\\$&")}  \\(fastest\\)`));
      assert.match(measured, /official \(download\.docker\.com\)\s+(unreachable|no good answer)/);
      await t.keys("Enter");
      await t.answer(/Registry mirrors to use/);
      keep("07-repo-key", await t.answer(/Trust this key\?/));
      keep("08-registry", await t.answer(/A private registry\?/));
      await t.answer(/Apply the CIS level-1 daemon preset\?/);
      keep("08b-compliance", await t.answer(/Run compliance checks \(ops check\) on a schedule\?/));
      keep("09-written", await t.answer(/Run install-engine on these hosts now\?/));
      keep("10-install-engine", await t.answer(/Run ops verify now/, undefined, 600_000));
      const code = await t.exitCode(600_000);
      keep("11-verify", await t.screen());
      assert.equal(code, 0, await t.history());
    } finally {
      await t.kill();
    }

    const inventory = join(cwd, "hosts.yaml");
    const hostsYaml = readFileSync(inventory, "utf8");
    const allYaml = readFileSync(join(cwd, "group_vars", "all.yaml"), "utf8");
    keep("written-hosts.yaml", hostsYaml.trimEnd());
    keep("written-all.yaml", allYaml.trimEnd());
    const written = hostsYaml + allYaml;
    assert.doesNotMatch(
      written,
      new RegExp(`${lab.passwordUser.password}|ansible_password|ansible_ssh_pass|become_pass`),
    );
    assert.match(written, /ansible_ssh_private_key_file: ~\/\.ssh\/id_ed25519/);
    // docker_mirror: one root (or tree) serves every family of a mixed inventory.
    assert.match(written, new RegExp(`docker_mirror: ${lab.repoUrl}`));
    const userEnv = { ...process.env, HOME: home };
    const check = await ops(["inventory", "check", "-i", inventory], "", undefined, [], userEnv);
    assert.equal(check.code, 0, check.stderr);
    const pub = readFileSync(join(home, ".ssh", "id_ed25519.pub"), "utf8").trim();
    for (const h of [h1, h2]) {
      assert.equal((await hostExec(h.name, "systemctl is-active docker")).trim(), "active");
      assert.match(await hostExec(h.name, "rpm -q docker-ce"), /^docker-ce-20\.10\.24/);
      assert.ok((await hostExec(h.name, "cat /home/opsinit/.ssh/authorized_keys")).includes(pub));
    }
    const again = await ops(
      ["run", "install-engine", "-i", inventory, "--output", "json"],
      "",
      undefined,
      [],
      userEnv,
    );
    assert.equal(again.code, 0, again.stderr);
    for (const h of [h1, h2]) {
      const s = summaries(again)[h.name];
      assert.equal(s?.status, "ok", failures(again, h.name).join("; "));
      assert.equal(s?.changed, 0);
    }
  });

  it("a refused connection, an unused address, a wrong password and a changed host key are shown; the others go on; Ctrl-C then writes nothing", async () => {
    const { cwd, env } = person();
    const [h1, h2, h3] = lab.hosts;
    assert.ok(h1 && h2 && h3);
    await hostExec(h2.name, "echo 'opsinit:not-the-lab-password' | chpasswd");
    // known_hosts holds el9-3's key of before; then el9-3 is reinstalled with new keys.
    const knownHosts = join(cwd, "..", `${cwd.split("/").pop()}-known_hosts`);
    const old = readFileSync(lab.knownHostsFile, "utf8")
      .split("\n")
      .filter((l) => l.startsWith(`${h3.address} `));
    writeFileSync(knownHosts, `${old.join("\n")}\n`);
    await recreateHost(h3.name);
    const repo = lab.repoUrl.split("/")[2] ?? ""; // the repo server: no sshd there
    const unused = h1.address.replace(/\d+$/, "9");
    const t = await Terminal.start([process.execPath, BIN, "init", "--known-hosts", knownHosts], {
      cwd,
      env,
    });
    try {
      await t.answer(/Inventory file to write/);
      await t.answer(/Host addresses/, `${repo} ${unused} ${h1.address} ${h2.address} ${h3.address}`);
      await t.answer(/ +more \(Enter when done\)/);
      await t.answer(/SSH user/, lab.passwordUser.name);
      await t.answer(/How do you log in\?/);
      await t.answer(/Password of opsinit/, lab.passwordUser.password);
      await t.answer(/Run as root through sudo/);
      await t.waitForPrompt(/Trust these host keys\?/, 60_000);
      await t.keys("Enter");
      const failed = await t.waitForPrompt(/4 host\(s\) could not be used/, 60_000);
      keep("12-failures", failed);
      const line = (address: string) => new RegExp(`${address.replace(/\./g, "\\.")}\\s+✖ ([^\\n]*)`);
      assert.match(failed, line(repo));
      assert.match(line(repo).exec(failed)?.[1] ?? "", /connection refused by/);
      assert.match(line(unused).exec(failed)?.[1] ?? "", /no route to host|timed out/);
      assert.match(line(h2.address).exec(failed)?.[1] ?? "", /authentication failed for opsinit@/);
      assert.match(line(h3.address).exec(failed)?.[1] ?? "", /HOST KEY CHANGED/);
      assert.match(failed, new RegExp(`${h1.address.replace(/\./g, "\\.")}\\s+✔ el9-1`));
      await t.keys("Enter"); // leave them out, go on with el9-1
      keep("13-going-on", await t.waitForPrompt(/Install a new key pair .* on 1 host\(s\)/));
      await t.keys("C-c");
      assert.equal(await t.exitCode(), 130);
      assert.match(await t.screen(), /interrupted: nothing was written/);
    } finally {
      await t.kill();
    }
    assert.deepEqual(readdirSync(cwd), [], "no file was written");
  });

  it("--answers: an invalid file is named with its line; no terminal and no answers is a clear error; a valid file sets up hosts", async () => {
    const { home, cwd } = person();
    const env = { ...process.env, HOME: home };
    const bad = join(cwd, "answers.yaml");
    writeFileSync(bad, "hosts:\n  addresses: [10.0.0.1]\nssh:\n  user: root\n  auth: telepathy\n");
    const invalid = await ops(["init", "--answers", bad], "", undefined, [], env);
    assert.equal(invalid.code, 1);
    assert.match(
      invalid.stderr,
      new RegExp(`${bad.replace(/[./]/g, "\\$&")}:5 \\(ssh\\.auth\\): ssh\\.auth must be one of`),
    );
    const noTty = await ops(["init"], "", undefined, [], env);
    assert.equal(noTty.code, 1);
    assert.match(noTty.stderr, /asks its questions on a terminal.*\n.*--answers answers\.yaml/);
    assert.deepEqual(readdirSync(cwd), ["answers.yaml"]);

    const [h1] = lab.hosts;
    assert.ok(h1);
    const good = join(cwd, "good.yaml");
    writeFileSync(
      good,
      [
        `inventory: ${join(cwd, "hosts.yaml")}`,
        `hosts: { addresses: ["${h1.address}"] }`,
        `ssh: { user: root, auth: key, key_file: ${lab.privateKeyFile} }`,
        `yum_repo: { candidates: ["${lab.repoUrl}"], choice: fastest, key_fingerprint: "${lab.gpgFingerprint}" }`,
        `registry_mirrors: { candidates: ["${lab.mirrorUrl}"] }`,
        "",
      ].join("\n"),
    );
    const done = await ops(
      ["init", "--answers", good, "--known-hosts", lab.knownHostsFile],
      "",
      undefined,
      [],
      env,
    );
    assert.equal(done.code, 0, done.stderr + done.stdout);
    assert.ok(done.stdout.includes(`✔ Which docker-ce repo? ${lab.repoUrl}\n`), done.stdout);
    assert.ok(
      done.stdout.includes(
        `✔ Registry mirrors to use (docker tries them in this order) ${lab.mirrorUrl}  (default)\n`,
      ),
    );
    const check = await ops(["inventory", "check", "-i", join(cwd, "hosts.yaml")], "", undefined, [], env);
    assert.equal(check.code, 0, check.stderr);
  });
});
