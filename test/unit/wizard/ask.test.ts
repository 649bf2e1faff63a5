import { strict as assert } from "node:assert";
import { terminalAsk } from "../../../src/wizard/ask.js";
import { accept, ctrlC, down, enter, key, scriptedPrompts, space, type, wait } from "./support/prompts.js";

describe("wizard/ask: at a terminal (inquirer prompts, rendered)", () => {
  it("text takes a default with Enter and runs the validation on what is typed", async () => {
    const s = scriptedPrompts([
      accept(/SSH user.*root/),
      { expect: /Port/, keys: [type("x"), enter, wait(/a number/), key("backspace"), type("22"), enter] },
    ]);
    const ask = terminalAsk(s.prompts);
    assert.equal(await ask.text("ssh.user", { message: "SSH user", default: "root" }), "root");
    const port = await ask.text("p", { message: "Port", validate: (v) => /^\d+$/.test(v) || "a number" });
    assert.equal(port, "22");
    s.done();
  });

  it("lines asks again until an empty line, validating each", async () => {
    const s = scriptedPrompts([
      { expect: /Addresses/, keys: [enter, wait(/at least one/), type("10.0.0.1"), enter] },
      {
        expect: /more \(Enter when done\)/,
        keys: [type("bad!"), enter, wait(/not an address/), ...Array(4).fill(key("backspace")), enter],
      },
    ]);
    const got = await terminalAsk(s.prompts).lines("hosts.addresses", {
      message: "Addresses",
      validate: (v) => /^[0-9.]+$/.test(v) || "not an address",
    });
    assert.deepEqual(got, ["10.0.0.1"]);
    s.done();
  });

  it("an optional list takes an empty first line as none", async () => {
    const s = scriptedPrompts([accept(/Mirrors/)]);
    assert.deepEqual(
      await terminalAsk(s.prompts).lines("x", { message: "Mirrors", validate: () => true, optional: true }),
      [],
    );
    s.done();
  });

  it("choose shows disabled choices with their reason and skips them", async () => {
    const s = scriptedPrompts([{ expect: /agent.*no agent is running[\s\S]*password/, keys: [down, enter] }]);
    const got = await terminalAsk(s.prompts).choose("ssh.auth", {
      message: "How do you log in?",
      choices: [
        { value: "agent", name: "ssh-agent", disabled: "no agent is running" },
        { value: "key", name: "a key file" },
        { value: "password", name: "a password" },
      ],
      default: "key",
    });
    assert.equal(got, "password");
    s.done();
  });

  it("chooseOrType offers another value, typed and validated", async () => {
    const s = scriptedPrompts([
      { expect: /Which repo/, keys: [down, down, enter] },
      {
        expect: /Base URL/,
        keys: [
          type("ftp://x"),
          enter,
          wait(/http/),
          ...Array(8).fill(key("backspace")),
          type("http://r/c"),
          enter,
        ],
      },
    ]);
    const got = await terminalAsk(s.prompts).chooseOrType("yum_repo.choice", {
      message: "Which repo?",
      choices: [
        { value: "official", name: "official" },
        { value: "aliyun", name: "aliyun" },
      ],
      other: {
        name: "another URL…",
        message: "Base URL",
        validate: (v) => v.startsWith("http") || "an http URL",
      },
    });
    assert.equal(got, "http://r/c");
    s.done();
  });

  it("chooseMany returns the checked values; yesNo and secret", async () => {
    const s = scriptedPrompts([
      { expect: /Trust[\s\S]*◉ a[\s\S]*◉ b/, keys: [down, space, enter] },
      { expect: /Install/, keys: [type("n"), enter] },
      { expect: /Password/, keys: [type("s3cret"), enter] },
    ]);
    const ask = terminalAsk(s.prompts);
    const picked = await ask.chooseMany("host_keys", {
      message: "Trust?",
      choices: [
        { value: "a", name: "a", checked: true },
        { value: "b", name: "b", checked: true },
      ],
    });
    assert.deepEqual(picked, ["a"]);
    assert.equal(await ask.yesNo("install_key", { message: "Install?", default: true }), false);
    assert.equal(await ask.secret("ssh.password", { message: "Password" }), "s3cret");
    assert.doesNotMatch(s.screens.join("\n"), /s3cret/);
    s.done();
  });

  it("Ctrl-C at a prompt rejects with inquirer's ExitPromptError", async () => {
    const s = scriptedPrompts([{ expect: /SSH user/, keys: [ctrlC] }]);
    await assert.rejects(
      terminalAsk(s.prompts).text("ssh.user", { message: "SSH user" }),
      (e: Error) => e.name === "ExitPromptError",
    );
  });
});
