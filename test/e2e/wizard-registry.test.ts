/**
 * ops init in a real terminal (tmux) down the registry path: "deploy one on one of these hosts",
 * an admin and a developer with passwords typed twice, kept vault-encrypted with a vault password
 * file the wizard makes. Then the commands it printed: deploy-registry over every host (with the
 * lab's images), and the admin logs in on an engine host and pushes. The inventory it wrote holds
 * no clear password.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostExec, hostExecResult, labUp, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { $ } from "../lab/sh.js";
import { BIN, ops } from "./helpers/ops-cli.js";
import { dockerLogin } from "./helpers/registry.js";
import { Terminal } from "./helpers/tmux.js";

const ADMIN_PASSWORD = "admin-Wiz-4c1d9e";
const DEV_PASSWORD = "dev-Wiz-77b3f0";

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * Answers whatever question is on screen by the first rule whose pattern matches it, until the
 * program ends; a question no rule knows fails the test with the screen. Each rule is used once
 * unless `again`.
 */
async function drive(
  t: Terminal,
  rules: { ask: RegExp; keys: string[]; text?: string; again?: boolean }[],
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const used = new Set<number>();
  const active = async () => {
    const screen = await t.screen();
    return {
      screen,
      prompt: screen
        .split("\n")
        .filter((l) => /^\? /.test(l))
        .pop(),
    };
  };
  while (Date.now() < deadline) {
    const { screen, prompt } = await active();
    const done = /\[exit (\d+)\]/.exec(screen);
    if (done) return Number(done[1]);
    if (prompt === undefined) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const i = rules.findIndex((r, n) => r.ask.test(prompt) && (r.again === true || !used.has(n)));
    const rule = rules[i];
    if (rule === undefined) throw new Error(`no answer for: ${prompt}\n${await t.history()}`);
    used.add(i);
    if (rule.text !== undefined) await t.type(rule.text);
    await t.keys(...rule.keys);
    // An answered question turns to a check mark (what is typed is echoed after the question, so
    // the line still starts with it until then); the same line after 10 s is the question again.
    const until = Date.now() + 10_000;
    while (Date.now() < until && (await active()).prompt?.startsWith(prompt) === true)
      await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`ops init did not end in ${timeoutMs} ms:\n${await t.history()}`);
}

describe("ops init in a real terminal: the registry path, on the lab", function () {
  this.timeout(900_000);
  let lab: LabInfo;

  before(async () => {
    lab = await labUp({ el9: 3 });
    for (const h of lab.hosts.slice(0, 3)) await recreateHost(h.name);
    lab = readLab();
  });

  it("deploy one: admin and developer typed twice, passwords vaulted; deploy-registry as printed; the admin logs in and pushes; no clear password in the inventory", async () => {
    const [h1, h2, h3] = lab.hosts;
    assert.ok(h1 && h2 && h3);
    const home = mkdtempSync(join(tmpdir(), "ops-init-home-"));
    const cwd = mkdtempSync(join(tmpdir(), "ops-init-cwd-"));
    // A person with a key the lab's hosts accept, and their host keys known.
    mkdirSync(join(home, ".ssh"), { mode: 0o700 });
    copyFileSync(lab.privateKeyFile, join(home, ".ssh", "id_ed25519"));
    await $`chmod 600 ${join(home, ".ssh", "id_ed25519")}`;
    await $`sh -c ${`ssh-keygen -y -f ${join(home, ".ssh", "id_ed25519")} > ${join(home, ".ssh", "id_ed25519.pub")}`}`;
    const knownHosts = join(cwd, "..", `${cwd.split("/").pop()}-known_hosts`);
    copyFileSync(lab.knownHostsFile, knownHosts);
    const env = {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: home,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
    };
    const prefix = h1.address.replace(/\d+$/, "");
    const range = `${prefix}[${h1.address.split(".")[3]}:${h3.address.split(".")[3]}]`;
    const t = await Terminal.start([process.execPath, BIN, "init", "--known-hosts", knownHosts], {
      cwd,
      env,
    });
    let code: number;
    let history = "";
    try {
      code = await drive(
        t,
        [
          { ask: /Inventory file to write/, keys: ["Enter"] },
          { ask: /Host addresses/, text: range, keys: ["Enter"] },
          { ask: /more \(Enter when done\)/, keys: ["Enter"], again: true },
          { ask: /SSH user/, text: "root", keys: ["Enter"] },
          {
            ask: /How do you log in\?|Which key\?|Trust these host keys|Install .* so the inventory keeps no password/,
            keys: ["Enter"],
            again: true,
          },
          { ask: /own mirror of Docker's repos/, text: lab.repoUrl, keys: ["Enter"] },
          { ask: /Registry mirrors to time/, text: lab.mirrorUrl, keys: ["Enter"] },
          {
            ask: /Which docker-ce repo\?|Registry mirrors to use|Trust this key\?/,
            keys: ["Enter"],
            again: true,
          },
          // "deploy one on one of these hosts" is the third choice.
          { ask: /A private registry\?/, keys: ["Down", "Down", "Enter"] },
          { ask: /Which host runs the registry\?/, keys: ["Enter"] },
          { ask: /The registry's name/, keys: ["Enter"] },
          { ask: /Admin account/, keys: ["Enter"] },
          { ask: /Password of admin/, text: ADMIN_PASSWORD, keys: ["Enter"] },
          { ask: /The same again/, text: ADMIN_PASSWORD, keys: ["Enter"] },
          { ask: /A first project/, keys: ["Enter"] },
          { ask: /Who may push to team\?/, text: "dev", keys: ["Enter"] },
          { ask: /Password of dev/, text: DEV_PASSWORD, keys: ["Enter"] },
          { ask: /The same again/, text: DEV_PASSWORD, keys: ["Enter"] },
          { ask: /Keep these passwords vault-encrypted/, keys: ["Enter"] },
          { ask: /Vault password file/, keys: ["Enter"] },
          { ask: /Apply the CIS level-1 daemon preset/, text: "n", keys: ["Enter"] },
          { ask: /Run compliance checks/, keys: ["Enter"] },
          { ask: /Run install-engine on these hosts now\?/, keys: ["Enter"] },
          { ask: /Run ops verify now/, text: "n", keys: ["Enter"] },
        ],
        600_000,
      );
    } finally {
      history = await t.history();
      await t.kill();
    }
    assert.equal(code, 0, history);

    // The commands printed: deploy-registry over every host, with the vault password file.
    const vaultFile = join(home, ".config", "ops", "vault-pass");
    assert.equal(statSync(vaultFile).mode & 0o777, 0o600);
    const deployLine =
      history
        .split("\n")
        .find((l) => /^\s+ops run deploy-registry /.test(l))
        ?.trim() ?? "";
    assert.match(
      deployLine,
      /^ops run deploy-registry -i hosts\.yaml --vault-password-file \S+vault-pass$/,
      history,
    );
    assert.doesNotMatch(deployLine, /--limit/);

    // The inventory holds no clear password, and ops inventory check says so too.
    const inventory = join(cwd, "hosts.yaml");
    for (const file of filesUnder(cwd)) {
      const text = readFileSync(file, "utf8");
      assert.ok(!text.includes(ADMIN_PASSWORD) && !text.includes(DEV_PASSWORD), `${file} holds a password`);
    }
    const registryVars = readFileSync(join(cwd, "group_vars", "registry.yml"), "utf8");
    assert.match(registryVars, /password: !vault \|\n\s+\$ANSIBLE_VAULT;1\.1;AES256/);
    const userEnv = { ...process.env, HOME: home };
    const vault = ["--vault-password-file", vaultFile];
    const check = await ops(
      ["inventory", "check", "-i", inventory, "--strict-secrets", ...vault],
      "",
      undefined,
      [],
      userEnv,
    );
    assert.equal(check.code, 0, check.stderr + check.stdout);

    // deploy-registry as printed (the lab has its own registry and nginx images), then a push.
    const images = JSON.stringify({
      registry_images: { registry: "registry:2.8.2", nginx: "nginx:1.22.1", policy: "node:20" },
    });
    const deploy = await ops(
      ["run", "deploy-registry", "-i", inventory, ...vault, "-e", images, "--output", "json"],
      "",
      undefined,
      [],
      userEnv,
    );
    assert.equal(deploy.code, 0, deploy.stderr + deploy.stdout.slice(-3000));
    const R = h1.address;
    assert.match(await dockerLogin(h2.name, R, "admin", ADMIN_PASSWORD), /^0 .*Login Succeeded/s);
    await hostExec(h2.name, `docker pull -q busybox && docker tag busybox ${R}/team/first:1`);
    const push = await hostExecResult(h2.name, `docker push ${R}/team/first:1 2>&1`);
    assert.equal(push.exitCode, 0, push.stdout);
    assert.match(push.stdout, /digest: sha256:[0-9a-f]{64}/);
    // The developer the wizard declared may push as well; the vaulted password is the one typed.
    assert.match(await dockerLogin(h3.name, R, "dev", DEV_PASSWORD), /^0 .*Login Succeeded/s);
  });
});
