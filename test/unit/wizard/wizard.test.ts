import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { loadPlaybook } from "../../../src/cli/load-playbook.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk, type Ask } from "../../../src/wizard/ask.js";
import type { LocalKey } from "../../../src/wizard/local-keys.js";
import type { Runner } from "../../../src/wizard/run-step.js";
import { runWizard, type WizardDeps } from "../../../src/wizard/wizard.js";
import { fakeFleet, fingerprint, type FakeHostSpec } from "./support/fake-fleet.js";
import { accept, answer, ctrlC, down, enter, scriptedPrompts, type } from "./support/prompts.js";

const KEY: LocalKey = {
  path: "/home/me/.ssh/id_ed25519",
  publicKey: "ssh-ed25519 AAAAKEY me@box",
  type: "ssh-ed25519",
  fingerprint: fingerprint("k"),
};
const LAB_URLS = {
  "10.0.0.2/linux/centos/9/x86_64": { code: 200, ms: 3 },
  "10.0.0.4:5000/v2/": { code: 200, ms: 2 },
};
const spec = (c: string, hostname: string): FakeHostSpec => ({
  hostname,
  fingerprint: fingerprint(c),
  password: "lab-pw",
  urls: LAB_URLS,
  gpg: readFileSync(new URL("../../fixtures/resources/signing-key/test-key.asc", import.meta.url), "utf8"),
});

function setup(ask: Ask, specs: Record<string, FakeHostSpec>) {
  const cwd = mkdtempSync(join(tmpdir(), "wizard-"));
  const fleet = fakeFleet(specs);
  const out: string[] = [];
  const ran: string[] = [];
  const runner: Runner = {
    run: async (playbook, o) => {
      ran.push(`run ${playbook} -i ${o.inventory}${o.yes ? " --yes" : ""}`);
      // What the real command would read: the files are on disk before anything runs.
      assert.ok(existsSync(join(cwd, o.inventory)));
      return 0;
    },
    verify: async (o) => {
      ran.push(`verify -i ${o.inventory}`);
      return 0;
    },
  };
  const deps: WizardDeps = {
    ask,
    connect: fleet.connect,
    out: { write: (t) => void out.push(t) },
    runner,
    inventory: "hosts.yaml",
    knownHostsFile: undefined,
    cwd,
    home: "/home/me",
    keyComment: "me@box",
    agent: false,
    keys: [KEY],
    createKey: async () => KEY,
    playbooks: async () => ({ playbooks: [await loadPlaybook("install-engine")], known: new Set<string>() }),
    capabilities: { canDeploy: false, canSchedule: false },
    now: () => new Date("2026-12-01T10:00:00Z"),
  };
  return { cwd, fleet, out, ran, deps };
}

describe("wizard/wizard: the whole flow on fake hosts", () => {
  it("at a terminal: addresses and a password in, a validated key-only inventory and the runs out", async () => {
    const script = scriptedPrompts([
      accept(/Inventory file/),
      answer(/Host addresses/, "10.0.0.[10:11]"),
      accept(/more \(Enter when done\)/),
      accept(/SSH user.*root/),
      // The default is the key file found in ~/.ssh; the password is the next choice.
      { expect: /How do you log in\?/, keys: [{ key: "down" }, enter] },
      answer(/Password of root/, "lab-pw"),
      {
        expect: /Trust these host keys[\s\S]*10\.0\.0\.10\s+ssh-ed25519 SHA256:a{43}[\s\S]*10\.0\.0\.11/,
        keys: [enter],
      },
      accept(/Install your public key for root on 2 host\(s\)/),
      accept(/Which key\?/),
      answer(/own mirror of Docker.s repos/, "http://10.0.0.2/linux/centos"),
      accept(/more \(Enter when done\)/),
      answer(/Registry mirrors to time/, "http://10.0.0.4:5000"),
      accept(/more \(Enter when done\)/),
      accept(/Which docker-ce repo\?[\s\S]*❯ http:\/\/10\.0\.0\.2\/linux\/centos {2}\(fastest\)/),
      accept(/Registry mirrors to use/),
      accept(/Trust this key\?/),
      accept(/A private registry\?/),
      // The CIS level-1 daemon preset, chosen: install-engine's docker_cis_profile.
      { expect: /Apply the CIS level-1 daemon preset\?[\s\S]*❯ no/, keys: [down, enter] },
      accept(/Run install-engine on these hosts now\?/),
      accept(/Run ops verify now/),
    ]);
    const { cwd, fleet, out, ran, deps } = setup(terminalAsk(script.prompts), {
      "10.0.0.10": spec("a", "el9-1"),
      "10.0.0.11": spec("b", "el9-2"),
    });
    assert.equal(await runWizard(deps), 0);
    script.done();
    assert.deepEqual(ran, ["run install-engine -i hosts.yaml", "verify -i hosts.yaml"]);
    const hosts = readFileSync(join(cwd, "hosts.yaml"), "utf8");
    const vars = readFileSync(join(cwd, "group_vars", "all.yaml"), "utf8");
    assert.doesNotMatch(hosts + vars, /lab-pw|ansible_password|ansible_ssh_pass|become_pass/);
    const inv = parse(hosts) as {
      all: { vars: Record<string, unknown>; children: { el9: { hosts: Record<string, unknown> } } };
    };
    assert.deepEqual(inv.all.vars, {
      ansible_user: "root",
      ansible_ssh_private_key_file: "~/.ssh/id_ed25519",
    });
    assert.deepEqual(inv.all.children.el9.hosts, {
      "el9-1": { ansible_host: "10.0.0.10" },
      "el9-2": { ansible_host: "10.0.0.11" },
    });
    assert.match(
      hosts,
      /# ops init installed this key on the hosts and proved a login with it alone: no password is kept/,
    );
    const v = parse(vars) as Record<string, unknown>;
    // docker_mirror, not docker_repo_url: install-engine takes each distribution's tree under its root.
    assert.equal(v["docker_mirror"], "http://10.0.0.2/linux/centos");
    assert.deepEqual(v["registry_mirrors"], ["http://10.0.0.4:5000"]);
    assert.equal(v["docker_cis_profile"], "level1");
    assert.match(vars, /# the CIS level-1 daemon preset[^\n]*\ndocker_cis_profile: level1/);
    assert.match(String(v["docker_repo_gpg_fingerprint"]), /^[0-9A-F]{4}( [0-9A-F]{4}){9}$/);
    assert.match(
      vars,
      /# docker-ce repo: the fastest every host reached, timed from 2 host\(s\):\n# {3}official, aliyun, tuna, ustc: unreachable from 2\/2 hosts: timed out after 3 s\n# {3}http:\/\/10\.0\.0\.2\/linux\/centos: 3 ms from 2\/2 hosts\ndocker_mirror:/,
    );
    assert.deepEqual(fleet.installed.get("10.0.0.11"), [KEY.publicKey]);
    const text = out.join("");
    assert.match(
      text,
      /Wrote hosts\.yaml and group_vars\/all\.yaml \(2 host\(s\), valid for install-engine\)/,
    );
    assert.match(text, /ops run install-engine -i hosts\.yaml/);
    assert.ok(
      fleet.opened.every((o) => o.transport.closed),
      "every connection the wizard opened is closed",
    );
  });

  it("Ctrl-C in the middle rejects with ExitPromptError and leaves no file", async () => {
    const script = scriptedPrompts([
      accept(/Inventory file/),
      answer(/Host addresses/, "10.0.0.10"),
      accept(/more \(Enter when done\)/),
      { expect: /SSH user/, keys: [type("ro"), ctrlC] },
    ]);
    const { cwd, deps } = setup(terminalAsk(script.prompts), { "10.0.0.10": spec("a", "el9-1") });
    await assert.rejects(runWizard(deps), (e: Error) => e.name === "ExitPromptError");
    assert.deepEqual(readdirSync(cwd), []);
  });

  it("a Debian host from an answers file: dpkg's docker.io is seen, Debian's tree is timed, and install-engine runs with --yes as allowed", async () => {
    const answers = [
      "hosts: { addresses: ['10.0.0.20'] }",
      "ssh: { user: root, auth: password, password: lab-pw }",
      "host_keys: accept-new",
      "run: { install-engine: true, yes: true, verify: true }",
      "",
    ].join("\n");
    const log: string[] = [];
    const ask = fileAsk(parseAnswers(answers, "answers.yaml"), { env: {}, log: (l) => log.push(l) });
    const debian: FakeHostSpec = {
      ...spec("d", "debian12-1"),
      os: "debian12",
      // Debian's engine and its runc; containerd.io's Provides: runc would be no conflict.
      packages: "ops-deb\tii \tdocker.io\t20.10.24+dfsg1-1\t\nops-deb\tii \trunc\t1.1.5+ds1-1\t\n",
      urls: { "download.docker.com/linux/debian/dists/bookworm/InRelease": { code: 200, ms: 30 } },
    };
    const { cwd, out, ran, deps } = setup(ask, { "10.0.0.20": debian });
    assert.equal(await runWizard(deps), 0);
    assert.deepEqual(ran, ["run install-engine -i hosts.yaml --yes", "verify -i hosts.yaml"]);
    const text = out.join("") + log.join("\n");
    assert.match(
      text,
      /debian12-1 · Debian GNU\/Linux 12 \(bookworm\) · .* · docker\.io 20\.10\.24\+dfsg1 ·/,
    );
    assert.match(text, /conflict with docker-ce on debian12-1\. Allow it \(--yes\)\? yes/);
    assert.match(text, /→ official \(download\.docker\.com\) +30 ms from 1\/1 hosts/);
    const inv = parse(readFileSync(join(cwd, "hosts.yaml"), "utf8")) as {
      all: { children: Record<string, { hosts: Record<string, unknown> }> };
    };
    assert.deepEqual(Object.keys(inv.all.children), ["debian12"]);
    assert.equal(parse(readFileSync(join(cwd, "group_vars", "all.yaml"), "utf8")).docker_mirror, "official");
  });

  it("no --yes is asked for what install-engine keeps: runc provided by containerd.io, or a package of the other family", async () => {
    const answers = [
      "hosts: { addresses: ['10.0.0.21', '10.0.0.22'] }",
      "ssh: { user: root, auth: password, password: lab-pw }",
      "host_keys: accept-new",
      "docker_repo: { choice: official }",
      "run: { install-engine: true, verify: false }",
      "",
    ].join("\n");
    const log: string[] = [];
    const ask = fileAsk(parseAnswers(answers, "answers.yaml"), { env: {}, log: (l) => log.push(l) });
    const anywhere = { "download.docker.com": { code: 200, ms: 30 } };
    const { ran, deps } = setup(ask, {
      // el9 with Docker's packages: containerd.io provides runc.
      "10.0.0.21": {
        ...spec("e", "el9-1"),
        urls: anywhere,
        packages: "ops-rpm containerd.io 0 1.6.20 3.1.el9\tcontainerd.io\trunc\n",
      },
      // Debian with an rpm database holding podman: not apt's to remove.
      "10.0.0.22": {
        ...spec("f", "debian12-2"),
        os: "debian12",
        urls: anywhere,
        packages: "ops-rpm podman 0 4.9.4 1.el9\tpodman\n",
      },
    });
    assert.equal(await runWizard(deps), 0);
    assert.deepEqual(ran, ["run install-engine -i hosts.yaml"]);
    assert.ok(!log.some((l) => /conflict with docker-ce/.test(l)), log.join("\n"));
  });

  it("from an answers file, extending an inventory: comments and other hosts kept, nothing run unless asked", async () => {
    const answers = [
      "inventory: site/hosts.yaml",
      "hosts:",
      "  addresses: ['10.0.0.11']",
      "ssh:",
      "  user: root",
      "  auth: password",
      "  password_env: OPS_PW",
      "host_keys: accept-new",
      "install_key: true",
      "yum_repo:",
      "  choice: aliyun",
      "",
    ].join("\n");
    const log: string[] = [];
    const ask = fileAsk(parseAnswers(answers, "answers.yaml"), {
      env: { OPS_PW: "lab-pw" },
      log: (l) => log.push(l),
    });
    const urls = { ...LAB_URLS, "mirrors.aliyun.com": { code: 200, ms: 40 } };
    const { cwd, ran, deps } = setup(ask, { "10.0.0.11": { ...spec("b", "el9-2"), urls } });
    const site = join(cwd, "site");
    const existing =
      "# the team's inventory\nall:\n  vars:\n    ansible_user: root # all of them\n  children:\n    el9:\n      hosts:\n        el9-1:\n          ansible_host: 10.0.0.10\n";
    mkdirSync(join(site, "group_vars"), { recursive: true });
    writeFileSync(join(site, "hosts.yaml"), existing);
    writeFileSync(join(site, "group_vars", "all.yml"), "# ours\ndocker_users: [deploy]\n");
    assert.equal(await runWizard(deps), 0);
    assert.deepEqual(ran, []);
    const hosts = readFileSync(join(site, "hosts.yaml"), "utf8");
    assert.match(hosts, /^# the team's inventory\n/);
    assert.match(hosts, /ansible_user: root # all of them/);
    const inv = parse(hosts) as {
      all: { children: { el9: { hosts: Record<string, Record<string, unknown>> } } };
    };
    assert.deepEqual(Object.keys(inv.all.children.el9.hosts), ["el9-1", "el9-2"]);
    assert.deepEqual(inv.all.children.el9.hosts["el9-2"], {
      ansible_host: "10.0.0.11",
      ansible_ssh_private_key_file: "~/.ssh/id_ed25519",
    });
    const vars = readFileSync(join(site, "group_vars", "all.yml"), "utf8");
    assert.match(vars, /^# ours\ndocker_users: \[ deploy \]\n/);
    assert.match(vars, /docker_mirror: aliyun/);
    assert.ok(!existsSync(join(site, "group_vars", "all.yaml")));
    assert.ok(log.includes("✔ Password of root (from $OPS_PW)"));
  });
});
