/**
 * Vaulted secrets end to end on the lab: the registry's account passwords are `!vault` values
 * (made by `ops vault encrypt-string`) in group_vars; deploy-registry stands the registry up with
 * them, a developer pushes with the password, and no clear password shows in any file ops wrote,
 * in the process list (sampled on this machine and on the registry host during the run), or in the
 * run's output. A wrong vault password stops ops with exit 1 before any host is contacted.
 * Run under `flock /tmp/ops-lab.lock`, after `npm run build`.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostExec, hostExecResult, readLab, recreateHost, type LabInfo } from "../lab/lab.js";
import { ops, summaries, type OpsResult } from "./helpers/ops-cli.js";
import { dockerLogin, registryLab, registryVars, writeRegistryInventory } from "./helpers/registry.js";

const PASSWORDS = { root: "vroot-Pw-1d9e4", dev: "vdev-Pw-6b07a", guest: "vguest-Pw-3c58f" };

/** Samples `ps` here and on a host every 100 ms until stopped; returns every command line seen. */
function sampleProcesses(host: string): { stop(): Promise<string> } {
  let seen = "";
  let running = true;
  const loop = (async () => {
    while (running) {
      seen += execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
      seen += (await hostExecResult(host, "ps -eo args")).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

/** Every clear password found in `text`. */
const leaked = (text: string) => Object.values(PASSWORDS).filter((p) => text.includes(p));

describe("vaulted registry passwords on lab hosts", function () {
  this.timeout(900_000);
  let lab: LabInfo;
  let inventory: string;
  let dir: string;
  let passFile: string;
  let registry: string;
  let engine: string;
  let address: string;
  const run = (playbook: string, ...args: string[]) =>
    ops(["run", playbook, "-i", inventory, "--output", "json", ...args]);
  const ok = (res: OpsResult) => assert.equal(res.code, 0, `${res.stderr}\n${res.stdout.slice(-3000)}`);

  before(async () => {
    // Fresh hosts (whatever another scenario left on them, a failed unit included) from the lab as it is.
    for (const h of readLab().hosts) await recreateHost(h.name);
    lab = readLab();
    const r = registryLab(lab);
    dir = r.dir;
    registry = r.registry;
    engine = r.engines[0];
    address = r.address;
    // The vault password lives outside the inventory folder, 0600, as the docs advise.
    const secretsDir = mkdtempSync(join(tmpdir(), "ops-e2e-vault-pass-"));
    passFile = join(secretsDir, "vault-pass");
    writeFileSync(passFile, "e2e-vault-Pw-5521\n", { mode: 0o600 });
    // Accounts out of the inventory, then back in group_vars/all.yml with vaulted passwords.
    const vars = registryVars(lab);
    delete vars.registry_users;
    vars.registry_projects = [{ name: "team", members: [{ user: "dev", role: "developer" }] }];
    inventory = writeRegistryInventory(lab, dir, vars);
    const encrypt = async (value: string) => {
      const res = await ops(["vault", "encrypt-string", "--vault-password-file", passFile], value);
      ok(res);
      assert.ok(res.stdout.startsWith("!vault |\n          $ANSIBLE_VAULT;1.1;AES256\n"), res.stdout);
      return res.stdout.trimEnd().replace(/\n {10}/g, "\n        ");
    };
    const users = [
      `  - name: root\n    admin: true\n    password: ${await encrypt(PASSWORDS.root)}`,
      `  - name: dev\n    password: ${await encrypt(PASSWORDS.dev)}`,
      `  - name: guest\n    password: ${await encrypt(PASSWORDS.guest)}`,
    ];
    mkdirSync(join(dir, "group_vars"), { recursive: true });
    writeFileSync(join(dir, "group_vars", "all.yml"), `registry_users:\n${users.join("\n")}\n`);
    ok(await run("install-engine", "--vault-password-file", passFile));
  });

  it("a wrong or missing vault password is exit 1 naming the file and line, before any host", async () => {
    const wrong = join(dir, "..", `wrong-${Date.now()}`);
    writeFileSync(wrong, "not-the-password\n", { mode: 0o600 });
    const usersFile = join(dir, "group_vars", "all.yml");
    for (const args of [["--vault-password-file", wrong], []]) {
      const res = await run("deploy-registry", ...args);
      assert.equal(res.code, 1, res.stderr);
      assert.match(res.stderr, new RegExp(`${usersFile}:4 \\(registry_users\\.0\\.password\\): `));
      assert.equal(res.events.length, 0, "no run started: no host was contacted");
    }
  });

  it("deploys with the vaulted passwords; the developer pushes; no clear password in files, ps or output", async () => {
    const started = Date.now() / 1000;
    const ps = sampleProcesses(registry);
    const res = await run("deploy-registry", "--vault-password-file", passFile);
    const seen = await ps.stop();
    ok(res);
    for (const [host, s] of Object.entries(summaries(res))) assert.notEqual(s.status, "failed", host);
    assert.match(await dockerLogin(engine, address, "dev", PASSWORDS.dev), /^0 .*Login Succeeded/s);
    await hostExec(
      engine,
      `docker pull -q busybox && docker tag busybox ${address}/team/app:v1 && docker push ${address}/team/app:v1`,
    );
    assert.match(await dockerLogin(engine, address, "dev", "not-the-password"), /^1 /);

    assert.deepEqual(leaked(seen), [], "a clear password in the process list");
    assert.deepEqual(leaked(res.stdout + res.stderr), [], "a clear password in the run's output");
    // Every file ops wrote here (the inventory folder: CA, state) and in the temporary folder during the run.
    const written = execFileSync(
      "find",
      [dir, tmpdir(), "-xdev", "-type", "f", "-newermt", `@${started.toFixed(0)}`, "-size", "-20M"],
      { encoding: "utf8" },
    )
      .split("\n")
      .filter((f) => f !== "");
    assert.ok(
      written.some((f) => f.startsWith(dir)),
      "ops wrote its CA beside the inventory",
    );
    const hits = execFileSync(
      "sh",
      [
        "-c",
        `printf '%s\\0' "$@" | xargs -0 -r grep -l -F ${Object.values(PASSWORDS)
          .map((p) => `-e ${p}`)
          .join(" ")} 2>/dev/null || true`,
        "sh",
        ...written,
      ],
      { encoding: "utf8" },
    );
    assert.equal(hits, "", "files ops wrote hold a clear password");
    // On the registry host: the stack's configuration and accounts are hashes, never the passwords.
    const onHost = await hostExecResult(
      registry,
      `grep -rlF -e '${PASSWORDS.root}' -e '${PASSWORDS.dev}' -e '${PASSWORDS.guest}' /etc/ops-registry /opt/ops-registry /var/lib/ops-registry/auth 2>/dev/null || true`,
    );
    assert.equal(onHost.stdout.trim(), "");
    // The same inventory is clean for `ops inventory check --strict-secrets`.
    ok(
      await ops([
        "inventory",
        "check",
        "-i",
        inventory,
        "-p",
        "deploy-registry",
        "--strict-secrets",
        "--vault-password-file",
        passFile,
      ]),
    );
  });
});
