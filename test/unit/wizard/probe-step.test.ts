import { strict as assert } from "node:assert";
import { ConnectError, Interrupted } from "../../../src/errors.js";
import { fileAsk, parseAnswers } from "../../../src/wizard/answers-file.js";
import { terminalAsk } from "../../../src/wizard/ask.js";
import type { Login } from "../../../src/wizard/probe-host.js";
import { probeStep } from "../../../src/wizard/probe-step.js";
import { parseHostList } from "../../../src/wizard/ranges.js";
import { fakeFleet, fingerprint, type FakeHostSpec } from "./support/fake-fleet.js";
import { accept, answer, down, enter, scriptedPrompts } from "./support/prompts.js";

const login: Login = { user: "root", auth: "password", password: "pw", become: false };

function setup(specs: Record<string, FakeHostSpec>) {
  const fleet = fakeFleet(specs);
  const out: string[] = [];
  const deps = {
    connect: fleet.connect,
    out: { write: (t: string) => void out.push(t) },
    say: (l: string) => void out.push(`${l}\n`),
  };
  return { fleet, out, deps };
}

const addresses = (text: string) => parseHostList(text, "test");

describe("wizard/probe-step", () => {
  it("probes every host, asks about new host keys, and shows each failure with its reason", async () => {
    const { fleet, out, deps } = setup({
      "10.0.0.1": { hostname: "web1", fingerprint: fingerprint("a"), known: true, password: "pw" },
      "10.0.0.2": { hostname: "web2", fingerprint: fingerprint("b"), password: "pw" },
      "10.0.0.3": { hostname: "web3", fingerprint: fingerprint("c"), refused: true },
      "10.0.0.4": { hostname: "web4", fingerprint: fingerprint("d"), known: true, password: "other" },
      "10.0.0.5": { hostname: "web5", fingerprint: fingerprint("e"), known: "changed", password: "pw" },
    });
    const s = scriptedPrompts([
      { expect: /Trust these host keys[\s\S]*◉ 10\.0\.0\.2\s+ssh-ed25519 SHA256:b{43}/, keys: [enter] },
      { expect: /3 host\(s\) could not be used/, keys: [enter] },
    ]);
    const result = await probeStep(terminalAsk(s.prompts), addresses("10.0.0.[1:5]"), login, deps);
    s.done();
    assert.deepEqual(
      result.hosts.map((h) => [h.label, h.facts.hostname]),
      [
        ["10.0.0.1", "web1"],
        ["10.0.0.2", "web2"],
      ],
    );
    assert.deepEqual(
      result.dropped.map((d) => d.label),
      ["10.0.0.3", "10.0.0.4", "10.0.0.5"],
    );
    const text = out.join("");
    assert.match(text, /10\.0\.0\.3\s+✖ connection refused by 10\.0\.0\.3:22/);
    assert.match(text, /10\.0\.0\.4\s+✖ authentication failed for root@10\.0\.0\.4:22/);
    assert.match(text, /10\.0\.0\.5\s+✖ HOST KEY CHANGED for 10\.0\.0\.5:22/);
    assert.match(text, /10\.0\.0\.2\s+\? new host key ssh-ed25519 SHA256:b{43}/);
    assert.match(
      text,
      /10\.0\.0\.1\s+✔ web1 · CentOS Stream 9 · kernel 5\.14\.0-362\.el9\.x86_64 · x86_64 · root · no engine · 50\.0 GiB free/,
    );
    // The new key was refused once (nothing sent), then accepted once the person said so.
    assert.deepEqual(fleet.asked, [`10.0.0.2 ${fingerprint("b")}`, `10.0.0.2 ${fingerprint("b")}`]);
    assert.ok(fleet.known.has("10.0.0.2"));
    // One round trip per good host: the batched probe.
    const probes = fleet.opened.filter((o) => o.transport.calls.length > 0);
    assert.deepEqual(
      probes.map((o) => [o.address, o.transport.commandCount]),
      [
        ["10.0.0.1", 1],
        ["10.0.0.2", 1],
      ],
    );
    assert.ok(
      probes.every((o) => o.transport.calls.every((c) => !c.become)),
      "facts are read as the user",
    );
  });

  it("a key the person does not tick is not trusted and the host is not connected", async () => {
    const { fleet, deps } = setup({
      "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), password: "pw" },
      "10.0.0.2": { hostname: "b", fingerprint: fingerprint("b"), password: "pw" },
    });
    const s = scriptedPrompts([
      { expect: /Trust these host keys/, keys: [down, { key: "space" }, enter] },
      accept(/1 host\(s\) could not be used/),
    ]);
    const result = await probeStep(terminalAsk(s.prompts), addresses("10.0.0.1 10.0.0.2"), login, deps);
    assert.deepEqual(
      result.hosts.map((h) => h.label),
      ["10.0.0.1"],
    );
    assert.match(result.dropped[0]?.reason ?? "", /host key SHA256:b{43} not accepted/);
    assert.ok(!fleet.known.has("10.0.0.2"));
  });

  it("asks for the sudo password only when sudo wants one, then proves it over the transport's become", async () => {
    const { fleet, deps } = setup({
      "10.0.0.1": {
        hostname: "a",
        fingerprint: fingerprint("a"),
        known: true,
        keys: ["/k"],
        sudo: "password",
        sudoPassword: "sudo-pw",
      },
      "10.0.0.2": {
        hostname: "b",
        fingerprint: fingerprint("b"),
        known: true,
        keys: ["/k"],
        sudo: "passwordless",
      },
    });
    const s = scriptedPrompts([
      answer(/sudo asks for a password on 1 host\(s\): admin's password for sudo/, "sudo-pw"),
    ]);
    const keyLogin: Login = { user: "admin", auth: "key", keyFile: "/k", become: true };
    const result = await probeStep(terminalAsk(s.prompts), addresses("10.0.0.1\n10.0.0.2"), keyLogin, deps);
    s.done();
    assert.deepEqual(
      result.hosts.map((h) => [h.label, h.sudoChecked]),
      [
        ["10.0.0.1", true],
        ["10.0.0.2", false],
      ],
    );
    assert.equal(result.login.sudoPassword, "sudo-pw");
    const last = fleet.opened.filter((o) => o.address === "10.0.0.1").at(-1);
    assert.equal(last?.conn.becomePassword, "sudo-pw");
    assert.deepEqual(
      last?.transport.calls.map((c) => [c.script === "true" ? "true" : "probe", c.become]),
      [
        ["probe", false],
        ["true", true],
      ],
    );
  });

  it("a wrong sudo password is a failure with the transport's words", async () => {
    const { out, deps } = setup({
      "10.0.0.1": {
        hostname: "a",
        fingerprint: fingerprint("a"),
        known: true,
        password: "pw",
        sudo: "password",
        sudoPassword: "other",
      },
    });
    const s = scriptedPrompts([{ expect: /could not be used/, keys: [down, down, enter] }]);
    await assert.rejects(
      probeStep(terminalAsk(s.prompts), addresses("10.0.0.1"), { ...login, user: "me", become: true }, deps),
      (e: unknown) =>
        e instanceof ConnectError && /stopped: 1 host\(s\).*sudo refused the become password/.test(e.message),
    );
    assert.match(out.join(""), /✖ sudo refused the become password/);
  });

  it("retries failed hosts when asked", async () => {
    const specs: Record<string, FakeHostSpec> = {
      "10.0.0.1": {
        hostname: "a",
        fingerprint: fingerprint("a"),
        known: true,
        password: "pw",
        refused: true,
      },
    };
    const { deps } = setup(specs);
    const s = scriptedPrompts([{ expect: /could not be used/, keys: [down, enter] }]);
    const retrying = probeStep(terminalAsk(s.prompts), addresses("10.0.0.1"), login, {
      ...deps,
      connect: async (name, conn, policy) => {
        const r = setup(specs).fleet.connect(name, conn, policy);
        specs["10.0.0.1"] = { ...(specs["10.0.0.1"] as FakeHostSpec), refused: false };
        return r;
      },
    });
    const result = await retrying;
    s.done();
    assert.deepEqual(
      result.hosts.map((h) => h.facts.hostname),
      ["a"],
    );
  });

  it("a signal stops it: no host starts after it, and it ends with Interrupted (nothing written)", async () => {
    const { fleet, deps } = setup({
      "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), known: true, password: "pw" },
    });
    const controller = new AbortController();
    controller.abort();
    const ask = terminalAsk(scriptedPrompts([]).prompts);
    await assert.rejects(
      probeStep(ask, addresses("10.0.0.1"), login, { ...deps, signal: controller.signal }),
      (e: unknown) => e instanceof Interrupted && /nothing was written/.test(e.message),
    );
    assert.deepEqual(fleet.opened, []);
  });

  it("from an answers file: new keys only by fingerprint (or accept-new); failures stop by default", async () => {
    const specs = {
      "10.0.0.1": { hostname: "a", fingerprint: fingerprint("a"), password: "pw" },
      "10.0.0.2": { hostname: "b", fingerprint: fingerprint("b"), password: "pw" },
    };
    const log: string[] = [];
    const byPrint = fileAsk(
      parseAnswers(`host_keys:\n  - ${fingerprint("a")}\nfailed_hosts: drop\n`, "a.yaml"),
      {
        env: {},
        log: (l) => log.push(l),
      },
    );
    const result = await probeStep(byPrint, addresses("10.0.0.1 10.0.0.2"), login, setup(specs).deps);
    assert.deepEqual(
      result.hosts.map((h) => h.label),
      ["10.0.0.1"],
    );
    assert.deepEqual(
      result.dropped.map((d) => d.label),
      ["10.0.0.2"],
    );

    const none = fileAsk(parseAnswers("inventory: x\n", "a.yaml"), { env: {}, log: () => undefined });
    await assert.rejects(
      probeStep(none, addresses("10.0.0.1"), login, setup(specs).deps),
      /stopped: 1 host\(s\)/,
    );
    const all = fileAsk(parseAnswers("host_keys: accept-new\n", "a.yaml"), { env: {}, log: () => undefined });
    const every = await probeStep(all, addresses("10.0.0.1 10.0.0.2"), login, setup(specs).deps);
    assert.equal(every.hosts.length, 2);
  });
});
