import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, ConfigErrors } from "../../../src/errors.js";
import { fileAsk, loadAnswers, parseAnswers } from "../../../src/wizard/answers-file.js";
import { answerIds } from "../../../src/wizard/answers-schema.js";

const FILE = "answers.yaml";

function askFrom(text: string, env: Record<string, string> = {}) {
  const log: string[] = [];
  return { ask: fileAsk(parseAnswers(text, FILE), { env, log: (l) => log.push(l) }), log };
}

const isAt = (line: number, message: RegExp) => (e: unknown) =>
  e instanceof ConfigError && e.location.file === FILE && e.location.line === line && message.test(e.message);

describe("wizard/answers-file", () => {
  describe("the schema check", () => {
    it("names the file, the dot-path and the line of each problem, all at once", () => {
      const text = ["ssh:", "  user: root", "  auht: key", "run:", "  verify: maybe", "host_keys: all"].join(
        "\n",
      );
      assert.throws(
        () => parseAnswers(text, FILE),
        (e: unknown) => {
          assert.ok(e instanceof ConfigErrors);
          const where = e.errors.map((x) => `${x.location.line} ${x.location.path}`);
          assert.deepEqual(where.sort(), ["3 ssh.auht", "5 run.verify", "6 host_keys"].sort());
          assert.match(e.errors.find((x) => x.location.path === "ssh.auht")?.hint ?? "", /auth/);
          return true;
        },
      );
    });

    it("a single problem is one ConfigError at its line", () => {
      assert.throws(
        () => parseAnswers("yum_repo:\n  candidates:\n    - ftp://x\n", FILE),
        isAt(3, /http\(s\) URL/),
      );
    });

    it("reads an old yum_repo group as docker_repo, with one warning naming its line", async () => {
      const { ask, log } = askFrom("ssh:\n  user: root\nyum_repo:\n  choice: aliyun\n");
      assert.deepEqual(log, [
        `⚠ ${FILE}:3: yum_repo is now called docker_repo; read as docker_repo (rename it to silence this)`,
      ]);
      const chosen = await ask.chooseOrType("docker_repo.choice", {
        message: "Which docker-ce repo?",
        choices: [{ value: "aliyun", name: "aliyun" }],
        default: "official",
        other: { name: "another URL", message: "URL", validate: () => true },
      });
      assert.equal(chosen, "aliyun");
      assert.equal(parseAnswers("yum_repo:\n  choice: tuna\n", FILE).where("docker_repo.choice").line, 2);
    });

    it("refuses a file that gives both yum_repo and docker_repo, at the old name's line", () => {
      assert.throws(
        () => parseAnswers("docker_repo:\n  choice: tuna\nyum_repo:\n  choice: aliyun\n", FILE),
        isAt(3, /yum_repo and docker_repo are the same answers: keep docker_repo only/),
      );
    });

    it("keys are the answers' names, as docs/WIZARD.md writes them: `yes:` is run.yes, never YAML 1.1's true; values stay YAML 1.1", () => {
      const a = parseAnswers("ssh:\n  become: yes\nrun:\n  install-engine: on\n  yes: no\n", "answers.yaml");
      assert.deepEqual(
        [a.get("ssh.become"), a.get("run.install-engine"), a.get("run.yes")],
        [true, true, false],
      );
      assert.equal(a.where("run.yes").line, 5);
    });

    it("the answers file docs/WIZARD.md shows is valid as written", () => {
      const doc = readFileSync(new URL("../../../docs/WIZARD.md", import.meta.url), "utf8");
      const section = doc.slice(doc.indexOf("## Answers file"));
      const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
      assert.match(example, /^ {2}yes: false/m);
      const a = parseAnswers(example, "WIZARD.md");
      assert.deepEqual(
        [a.get("run.install-engine"), a.get("run.yes"), a.get("run.verify")],
        [true, false, true],
      );
    });

    it("a new file says nothing about names", () => {
      assert.deepEqual(askFrom("docker_repo:\n  choice: aliyun\n").log, []);
    });

    it("malformed YAML is an error at yaml's line", () => {
      assert.throws(
        () => parseAnswers("ssh:\n  user: [root\n", FILE),
        (e: unknown) => e instanceof ConfigError && e.location.file === FILE,
      );
    });

    it("a missing file is a ConfigError naming it", async () => {
      await assert.rejects(
        loadAnswers("/nonexistent/answers.yaml"),
        (e: unknown) => e instanceof ConfigError && /not found/.test(e.message),
      );
      const dir = mkdtempSync(join(tmpdir(), "answers-"));
      writeFileSync(join(dir, "a.yaml"), "inventory: inv.yaml\n");
      assert.equal((await loadAnswers(join(dir, "a.yaml"))).get("inventory"), "inv.yaml");
    });

    it("knows every question id the steps ask", () => {
      for (const id of [
        "inventory",
        "hosts.addresses",
        "ssh.user",
        "ssh.password_env",
        "host_keys",
        "run.verify",
      ]) {
        assert.ok(answerIds().includes(id), id);
      }
    });
  });

  describe("answering", () => {
    it("takes the file's answer, or the default, and logs each", async () => {
      const { ask, log } = askFrom("ssh:\n  user: admin\n");
      assert.equal(await ask.text("ssh.user", { message: "SSH user", default: "root" }), "admin");
      assert.equal(
        await ask.text("inventory", { message: "Inventory", default: "hosts.yaml" }),
        "hosts.yaml",
      );
      assert.deepEqual(log, ["✔ SSH user admin", "✔ Inventory hosts.yaml  (default)"]);
    });

    it("a question with no answer and no default is an error naming the file", async () => {
      const { ask } = askFrom("ssh:\n  user: admin\n");
      await assert.rejects(
        ask.text("registry.address", { message: "Its address" }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.location.file === FILE &&
          /registry.address is needed/.test(e.message),
      );
    });

    it("runs the step's validation and reports the answer's line", async () => {
      const { ask } = askFrom("inventory: x\nssh:\n  user: admin\n");
      await assert.rejects(
        ask.text("ssh.user", { message: "SSH user", validate: () => "not that one" }),
        isAt(3, /ssh.user: not that one/),
      );
      const lines = askFrom("hosts:\n  addresses:\n    - 10.0.0.1\n    - bad!\n").ask;
      await assert.rejects(
        lines.lines("hosts.addresses", { message: "Addresses", validate: (v) => !v.includes("!") || "no !" }),
        isAt(4, /no !/),
      );
    });

    it("choose refuses a value that is not a choice, or is disabled, naming what is allowed", async () => {
      const choices = [
        { value: "none", name: "none" },
        { value: "existing", name: "existing" },
        { value: "deploy", name: "deploy", disabled: "deploy-registry is not in this version" },
      ];
      await assert.rejects(
        askFrom("registry:\n  kind: deploy\n").ask.choose("registry.kind", { message: "Registry?", choices }),
        isAt(2, /cannot be chosen: deploy-registry is not in this version/),
      );
      assert.equal(
        await askFrom("").ask.choose("registry.kind", { message: "Registry?", choices, default: "none" }),
        "none",
      );
    });

    it("chooseMany: keywords, lists and defaults (nothing unchecked is taken by default)", async () => {
      const choices = [
        { value: "SHA256:a", name: "a", checked: false },
        { value: "SHA256:b", name: "b", checked: false },
      ];
      const q = { message: "Trust?", choices, keywords: { "accept-new": ["SHA256:a", "SHA256:b"] } };
      assert.deepEqual(await askFrom("").ask.chooseMany("host_keys", q), []);
      assert.deepEqual(await askFrom("host_keys: accept-new\n").ask.chooseMany("host_keys", q), [
        "SHA256:a",
        "SHA256:b",
      ]);
      const fp = `SHA256:${"b".repeat(43)}`;
      await assert.rejects(
        askFrom(`host_keys:\n  - ${fp}\n`).ask.chooseMany("host_keys", q),
        isAt(2, /is not one of the choices/),
      );
    });

    it("a secret comes from the file or from the environment variable it names, and is never logged", async () => {
      const fromEnv = askFrom("ssh:\n  password_env: LAB_PW\n", { LAB_PW: "hunter2" });
      assert.equal(await fromEnv.ask.secret("ssh.password", { message: "Password" }), "hunter2");
      assert.deepEqual(fromEnv.log, ["✔ Password (from $LAB_PW)"]);
      await assert.rejects(
        askFrom("ssh:\n  password_env: NOPE\n").ask.secret("ssh.password", { message: "Password" }),
        isAt(2, /NOPE is not set/),
      );
      const inFile = askFrom("ssh:\n  password: hunter2\n");
      assert.equal(await inFile.ask.secret("ssh.password", { message: "Password" }), "hunter2");
      assert.doesNotMatch(inFile.log.join("\n"), /hunter2/);
    });

    it("refuses a question id the schema does not know (a bug in a step)", async () => {
      await assert.rejects(
        askFrom("").ask.yesNo("no.such.question", { message: "?", default: true }),
        /not in the answers schema/,
      );
    });
  });
});
