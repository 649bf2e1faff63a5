import { strict as assert } from "node:assert";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { INSTALL_KEY_SCRIPT } from "../../../src/wizard/authorized-key.js";
import { keyStep, type KeyStepDeps } from "../../../src/wizard/key-step.js";
import type { LocalKey } from "../../../src/wizard/local-keys.js";
import type { Login } from "../../../src/wizard/probe-host.js";
import { fakeFleet, fingerprint } from "./support/fake-fleet.js";
import { probed } from "./support/probed.js";
import { accept, enter, scriptedPrompts, type } from "./support/prompts.js";

const KEY: LocalKey = {
  path: "/home/me/.ssh/id_ed25519",
  publicKey: "ssh-ed25519 AAAAKEY me@box",
  type: "ssh-ed25519",
  fingerprint: fingerprint("k"),
};
const login: Login = { user: "root", auth: "password", password: "pw", become: false };

function deps(fleet: ReturnType<typeof fakeFleet>, keys: LocalKey[], out: string[] = []): KeyStepDeps {
  return {
    keys,
    home: "/home/me",
    comment: "me@box",
    createKey: async (path) => ({ ...KEY, path, publicKey: "ssh-ed25519 AAAANEW me@box" }),
    connect: fleet.connect,
    out: { write: (t) => void out.push(t) },
    say: (l) => void out.push(`${l}\n`),
  };
}

describe("wizard/key-step", () => {
  it("installs the chosen key on every host over stdin and proves a login with the key alone", async () => {
    const fleet = fakeFleet({
      "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), password: "pw" },
      "10.0.0.2": { hostname: "b", fingerprint: fingerprint("b"), password: "pw" },
    });
    const hosts = await probed(fleet, "10.0.0.1 10.0.0.2", login);
    const out: string[] = [];
    const s = scriptedPrompts([
      accept(/Install your public key for root on 2 host\(s\)/),
      accept(/Which key\?[\s\S]*id_ed25519\.pub/),
    ]);
    const result = await keyStep(terminalAsk(s.prompts), hosts, login, deps(fleet, [KEY], out));
    s.done();
    assert.deepEqual(fleet.installed.get("10.0.0.1"), ["ssh-ed25519 AAAAKEY me@box"]);
    assert.deepEqual(result.keyWorks, ["10.0.0.1", "10.0.0.2"]);
    assert.deepEqual(result.login, { ...login, auth: "key", keyFile: KEY.path, password: undefined });
    const install = hosts[0]?.transport;
    assert.ok(install);
    // The proof is a fresh connection offering the key and no password.
    const proofs = fleet.opened.filter((o) => o.conn.privateKeyFile === KEY.path);
    assert.equal(proofs.length, 2);
    assert.ok(proofs.every((p) => p.conn.password === undefined && p.transport.closed));
    assert.match(out.join(""), /10\.0\.0\.1\s+✔ key added; a login with the key works/);
    const sent = fleet.opened
      .flatMap((o) => o.transport.calls)
      .filter((c) => c.script === INSTALL_KEY_SCRIPT);
    assert.deepEqual(
      sent.map((c) => [c.stdin, c.become]),
      [
        ["ssh-ed25519 AAAAKEY me@box\n", false],
        ["ssh-ed25519 AAAAKEY me@box\n", false],
      ],
    );
  });

  it("makes a key pair when there is none; a declined offer keeps the password login and says so", async () => {
    const fleet = fakeFleet({ "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), password: "pw" } });
    const hosts = await probed(fleet, "10.0.0.1", login);
    const s = scriptedPrompts([
      accept(/Install a new key pair \(\/home\/me\/\.ssh\/id_ed25519, no passphrase\)/),
    ]);
    const made = await keyStep(terminalAsk(s.prompts), hosts, login, deps(fleet, []));
    assert.equal(made.login.keyFile, "/home/me/.ssh/id_ed25519");
    assert.deepEqual(fleet.installed.get("10.0.0.1"), ["ssh-ed25519 AAAANEW me@box"]);

    const no = scriptedPrompts([{ expect: /Install/, keys: [type("n"), enter] }]);
    const declined = await keyStep(terminalAsk(no.prompts), hosts, login, deps(fleet, [KEY]));
    assert.equal(declined.login.auth, "password");
    assert.deepEqual(
      declined.needPassword.map((n) => n.label),
      ["10.0.0.1"],
    );
  });

  it("asks nothing when the login used no password", async () => {
    const fleet = fakeFleet({ "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), keys: ["/k"] } });
    const keyLogin: Login = { user: "root", auth: "key", keyFile: "/k", become: false };
    const hosts = await probed(fleet, "10.0.0.1", keyLogin);
    const s = scriptedPrompts([]);
    const r = await keyStep(terminalAsk(s.prompts), hosts, keyLogin, deps(fleet, [KEY]));
    assert.deepEqual(r, { login: keyLogin, keyWorks: ["10.0.0.1"], needPassword: [] });
  });
});
