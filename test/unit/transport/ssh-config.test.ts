import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { HostConnection } from "../../../src/inventory/types.js";
import { parseProxyJump, resolveSshTarget, type SshEnv } from "../../../src/transport/ssh-config.js";

const fixture = new URL("./fixtures/ssh_config", import.meta.url);
const present = new Set(["/home/me/.ssh/id_ecdsa", "/home/me/.ssh/web_key", "/home/me/.ssh/deploy-10.0.0.7"]);
const env: SshEnv = { home: "/home/me", localUser: "me", exists: (p) => present.has(p) };
const host = (address: string, extra: Partial<HostConnection> = {}): HostConnection => ({
  address,
  become: false,
  ...extra,
});

describe("ssh config resolution", () => {
  let text = "";
  before(async () => {
    text = await readFile(fixture, "utf8");
  });

  it("takes HostName, User, Port and every IdentityFile (expanded) from the config", () => {
    const t = resolveSshTarget(text, host("web1"), env);
    assert.equal(t.host, "10.0.0.7");
    assert.equal(t.user, "deploy");
    assert.equal(t.port, 2200);
    assert.deepEqual(t.identityFiles, ["/home/me/.ssh/web_key", "/home/me/.ssh/deploy-10.0.0.7"]);
    assert.equal(t.explicitKey, false);
    assert.deepEqual(t.jumps, []);
  });

  it("lets inventory values win over the config", () => {
    const t = resolveSshTarget(
      text,
      host("web1", { user: "root", port: 22, privateKeyFile: "/keys/k" }),
      env,
    );
    assert.equal(t.host, "10.0.0.7", "the inventory address is the alias the config maps");
    assert.equal(t.user, "root");
    assert.equal(t.port, 22);
    assert.deepEqual(t.identityFiles, ["/keys/k"]);
    assert.equal(t.explicitKey, true);
  });

  it("falls back to the current user, port 22 and the default keys that exist", () => {
    const t = resolveSshTarget("", host("10.1.1.1"), { ...env, agentSocket: "/tmp/agent.sock" });
    assert.deepEqual(
      { host: t.host, user: t.user, port: t.port, keys: t.identityFiles, agent: t.agent },
      { host: "10.1.1.1", user: "me", port: 22, keys: ["/home/me/.ssh/id_ecdsa"], agent: "/tmp/agent.sock" },
    );
    assert.equal(resolveSshTarget(text, host("10.1.1.1"), env).user, "fallback", "Host * applies");
  });

  it("resolves a ProxyJump chain, each hop through the config", () => {
    const t = resolveSshTarget(text, host("db1"), env);
    assert.equal(t.host, "db1.internal.example");
    assert.deepEqual(
      t.jumps.map((j) => [j.alias, j.host, j.port, j.user]),
      [
        ["bastion", "192.0.2.10", 2022, "admin"],
        ["jump2", "jump2", 22, "fallback"],
      ],
    );
    assert.deepEqual(resolveSshTarget(text, host("direct"), env).jumps, []);
  });

  it("parses ProxyJump items in all their forms", () => {
    assert.deepEqual(parseProxyJump("a, u@b:2222 ,ssh://v@[::1]:2200,[fe80::1]"), [
      { host: "a" },
      { host: "b", port: 2222, user: "u" },
      { host: "::1", port: 2200, user: "v" },
      { host: "fe80::1" },
    ]);
  });
});
