import { strict as assert } from "node:assert";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createKeyring, fixedPassword } from "../../../src/vault/keyring.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { askHosts, type HostsContext } from "../../../src/wizard/hosts-step.js";
import type { LocalKey } from "../../../src/wizard/local-keys.js";
import { accept, answer, down, enter, key, scriptedPrompts, type, wait } from "./support/prompts.js";

const VAULTED = fileURLToPath(new URL("../../fixtures/vault/inventory", import.meta.url));

const KEY: LocalKey = {
  path: "/home/me/.ssh/id_ed25519",
  publicKey: "ssh-ed25519 AAAA me",
  type: "ssh-ed25519",
  fingerprint: "SHA256:x",
};

function context(cwd: string, said: string[] = [], keys: LocalKey[] = [KEY]): HostsContext {
  return {
    inventory: "hosts.yaml",
    cwd,
    keys,
    agent: false,
    localUser: "me",
    home: "/home/me",
    say: (l) => void said.push(l),
  };
}

describe("wizard/hosts-step", () => {
  it("asks the inventory, the addresses (ranges expanded), the user, the login and sudo", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hs-"));
    const said: string[] = [];
    const s = scriptedPrompts([
      accept(/Inventory file to write.*hosts\.yaml/),
      { expect: /Host addresses/, keys: [type("10.0.0.[1:3]"), enter] },
      {
        expect: /more \(Enter when done\)/,
        keys: [
          type("10.0.0.[5:1]"),
          enter,
          wait(/begin is after the end/),
          ...Array(12).fill(key("backspace")),
          type("web1:2222"),
          enter,
        ],
      },
      accept(/more \(Enter when done\)/),
      answer(/SSH user/, "admin"),
      { expect: /How do you log in\?[\s\S]*ssh-agent.*no agent is running/, keys: [down, enter] },
      answer(/Password of admin/, "pw"),
      accept(/Run as root through sudo \(admin is not root\)\?/),
    ]);
    const got = await askHosts(terminalAsk(s.prompts), context(cwd, said));
    s.done();
    assert.equal(got.inventoryFile, join(cwd, "hosts.yaml"));
    assert.equal(got.existing, undefined);
    assert.deepEqual(
      got.addresses.map((a) => `${a.address}:${a.port}`),
      ["10.0.0.1:22", "10.0.0.2:22", "10.0.0.3:22", "web1:2222"],
    );
    assert.deepEqual(
      [got.user, got.auth, got.password, got.become, got.keyFile],
      ["admin", "password", "pw", true, undefined],
    );
    assert.ok(said.includes("  4 host(s): 10.0.0.1, 10.0.0.2, 10.0.0.3, web1:2222"));
  });

  it("extends an existing inventory: its hosts are kept and not probed again", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hs-"));
    writeFileSync(
      join(cwd, "inv.yaml"),
      "all:\n  vars:\n    ansible_user: ops\n  hosts:\n    a:\n      ansible_host: 10.0.0.1\n",
    );
    const said: string[] = [];
    const ask = fileAsk(
      parseAnswers(
        "inventory: inv.yaml\nhosts:\n  addresses: ['10.0.0.[1:2]']\nssh:\n  auth: key\n",
        "a.yaml",
      ),
      { env: {}, log: () => undefined },
    );
    const got = await askHosts(ask, context(cwd, said));
    assert.equal(got.existing?.hosts.length, 1);
    assert.deepEqual(
      got.addresses.map((a) => a.address),
      ["10.0.0.2"],
    );
    assert.equal(got.user, "ops", "the inventory's user is the default");
    assert.equal(got.keyFile, KEY.path);
    assert.equal(got.become, true);
    assert.ok(said.some((l) => /10\.0\.0\.1 is already in inv\.yaml/.test(l)));
  });

  it("extends an inventory that holds vaults: opened with the password given, else a clear error naming the options", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hs-"));
    cpSync(VAULTED, join(cwd, "inv"), { recursive: true });
    const answers = () =>
      fileAsk(
        parseAnswers(
          "inventory: inv/hosts.yaml\nhosts:\n  addresses: ['10.0.0.9']\nssh:\n  auth: key\n",
          "a.yaml",
        ),
        {
          env: {},
          log: () => undefined,
        },
      );
    await assert.rejects(
      askHosts(answers(), context(cwd)),
      (e: unknown) =>
        e instanceof ConfigError &&
        /hosts\.yaml/.test(e.location.file ?? "") &&
        /--vault-password-file/.test(e.hint ?? ""),
    );
    const vault = createKeyring([fixedPassword("fixture-pass")]);
    const got = await askHosts(answers(), { ...context(cwd), vault });
    assert.deepEqual(
      got.existing?.hosts.map((h) => h.name),
      ["h1", "h2"],
    );
    assert.deepEqual(
      got.addresses.map((a) => a.address),
      ["10.0.0.9"],
    );
    await assert.rejects(
      askHosts(answers(), { ...context(cwd), vault: createKeyring([fixedPassword("wrong")]) }),
      /wrong vault password/,
    );
  });

  it("from an answers file: a bad address is an error at its line; nothing new is an error", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hs-"));
    const bad = fileAsk(
      parseAnswers("hosts:\n  addresses:\n    - 10.0.0.1\n    - root@10.0.0.2\n", "a.yaml"),
      { env: {}, log: () => undefined },
    );
    await assert.rejects(
      askHosts(bad, context(cwd)),
      (e: unknown) => e instanceof ConfigError && e.location.line === 4 && /root@10\.0\.0\.2/.test(e.message),
    );
    writeFileSync(join(cwd, "hosts.yaml"), "all:\n  hosts:\n    a:\n      ansible_host: 10.0.0.1\n");
    const none = fileAsk(parseAnswers("hosts:\n  addresses: [10.0.0.1]\n", "a.yaml"), {
      env: {},
      log: () => undefined,
    });
    await assert.rejects(askHosts(none, context(cwd)), /no new host to add/);
  });

  it("a key file given in an answers file must exist", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "hs-"));
    const ask = fileAsk(
      parseAnswers("hosts:\n  addresses: [h1]\nssh:\n  auth: key\n  key_file: /nope/id\n", "a.yaml"),
      { env: {}, log: () => undefined },
    );
    await assert.rejects(
      askHosts(ask, context(cwd, [], [])),
      (e: unknown) => e instanceof ConfigError && e.location.line === 5 && /does not exist/.test(e.message),
    );
  });
});
