import { strict as assert } from "node:assert";
import { execFile, execFileSync, spawn } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FactError } from "../../../src/errors.js";
import type { Fact } from "../../../src/facts/fact.js";
import { buildProbe, makeNonce, parseProbeOutput, stopBatchScript } from "../../../src/facts/gather.js";
import { file } from "../../../src/facts/file.js";
import { group, users } from "../../../src/facts/group.js";
import { kernel } from "../../../src/facts/kernel.js";
import { lock } from "../../../src/facts/lock.js";
import { osRelease } from "../../../src/facts/os-release.js";
import { commandsPresent } from "../../../src/facts/commands-present.js";

const packageManager = commandsPresent(["dnf", "yum", "apt-get"]);
import { quote } from "../../../src/transport/quote.js";

const NONCE = "0123456789abcdef0123456789abcdef";
const echo = (name: string, text: string, extra: Partial<Fact<string>> = {}): Fact<string> => ({
  name,
  probe: `printf '%s' ${quote(text)}`,
  parse: (s) => s,
  ...extra,
});
const frame = (i: number, body: string, code = 0): string =>
  `@@ops-${NONCE}-begin-${i}@@\n${body}\n@@ops-${NONCE}-end-${i}@@ ${code}\n`;
const runSh = (script: string): string => execFileSync("sh", ["-c", script], { encoding: "utf8" });

describe("gather", () => {
  it("parses recorded output into a FactSet, section by section", () => {
    const a = echo("a", "");
    const b = echo("b", "");
    const stdout = "#motd noise\n" + frame(0, "one\ntwo\n") + frame(1, "", 1);
    const set = parseProbeOutput([a, b], stdout, NONCE);
    assert.equal(set.get(a), "one\ntwo\n");
    assert.equal(set.get(b), "");
  });

  it("dedupes facts by name", () => {
    const script = buildProbe([kernel, kernel, packageManager], NONCE);
    assert.deepEqual(new Set(script.match(/-begin-\d+/g)), new Set(["-begin-0", "-begin-1"]));
  });

  it("names the fact whose section is missing, when it is read (the others still read)", () => {
    const a = echo("a", "");
    const b = echo("b", "");
    const set = parseProbeOutput([a, b], frame(0, "x"), NONCE);
    assert.equal(set.get(a), "x");
    assert.throws(
      () => set.get(b),
      (e: unknown) => e instanceof FactError && e.fact === "b" && /no section/.test(e.message),
    );
  });

  it("wraps a parser's own error in a FactError naming the fact", () => {
    const bad: Fact<never> = {
      name: "bad",
      probe: "true",
      parse: () => {
        throw new Error("boom");
      },
    };
    const set = parseProbeOutput([bad], frame(0, ""), NONCE);
    assert.throws(
      () => set.get(bad),
      (e: unknown) => e instanceof FactError && e.fact === "bad" && e.message.includes("boom"),
    );
  });

  it("ignores frames forged with another nonce", () => {
    const forged = `@@ops-ffffffffffffffffffffffffffffffff-end-0@@ 0\n`;
    const set = parseProbeOutput([echo("a", "")], frame(0, `x\n${forged}y`), NONCE);
    assert.equal(set.get(echo("a", "")), `x\n${forged}y`);
  });

  it("uses a fresh nonce per call", () => {
    assert.notEqual(makeNonce(), makeNonce());
    assert.match(makeNonce(), /^[0-9a-f]{32}$/);
    assert.throws(() => buildProbe([], "not hex; rm -rf /"));
  });

  it("runs in sh: a failing probe never stops the batch, stderr is folded or discarded", () => {
    const failing = echo("fails", "", { probe: "echo partial; echo oops >&2; exit 3" });
    const folded = echo("folded", "", { probe: "echo out; echo err >&2", stderr: "fold" });
    const quoted = echo("quoted", "it's $HOME `x`\n");
    const facts = [failing, folded, quoted];
    const set = parseProbeOutput(facts, runSh(buildProbe(facts, NONCE)), NONCE);
    assert.equal(set.get(failing), "partial\n");
    assert.equal(set.get(folded), "out\nerr\n");
    assert.equal(set.get(quoted), "it's $HOME `x`\n");
  });

  it("a probe that reads stdin cannot eat the rest of the script", () => {
    const reader = echo("reader", "", { probe: "cat" });
    const after = echo("after", "still here");
    const script = buildProbe([reader, after], NONCE);
    const out = execFileSync("sh", ["-s"], { input: script, encoding: "utf8" });
    assert.equal(parseProbeOutput([reader, after], out, NONCE).get(after), "still here");
  });

  it("gathers real facts of this machine in one script", () => {
    const facts = [
      osRelease,
      kernel,
      packageManager,
      file("/etc/hostname"),
      group("root"),
      users(["root"]),
      lock,
    ];
    const nonce = makeNonce();
    const set = parseProbeOutput(facts, runSh(buildProbe(facts, nonce)), nonce);
    assert.ok(set.get(kernel).major >= 3);
    assert.ok(set.get(osRelease).id.length > 0);
    assert.equal(set.get(group("root")).gid, 0);
    assert.equal(set.get(users(["root"])).root, true);
    const hostname = set.get(file("/etc/hostname"));
    assert.ok(hostname.exists && hostname.sha256?.length === 64);
  });

  it("gives each parser its section's exit status, and skips gated sections whose needs failed", () => {
    const status = (name: string, probe: string): Fact<string> => ({
      name,
      probe,
      stderr: "fold",
      parse: (out, code) => `${code}:${out.trim()}`,
    });
    const one = status("one", "echo hello; echo err >&2");
    const two = status("two", "echo failing; exit 4");
    const three = status("three", "echo never");
    const four = status("four", "echo fine");
    const facts = [one, two, three, four];
    const gates = new Map([
      ["three", ["two"]],
      ["four", ["one"]],
    ]);
    const set = parseProbeOutput(facts, runSh(buildProbe(facts, NONCE, { gates })), NONCE);
    assert.equal(set.get(one), "0:hello\nerr");
    assert.equal(set.get(two), "4:failing");
    assert.equal(set.skipped(three), true);
    assert.equal(set.get(four), "0:fine");
  });

  it("refuses a gate on a fact that is not before it in the batch", () => {
    assert.throws(
      () => buildProbe([echo("b", ""), echo("a", "")], NONCE, { gates: new Map([["b", ["a"]]]) }),
      /gated on a/,
    );
  });

  it("runs the cleanup and removes the pid file on exit, also after a failing probe", () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-batch-"));
    const made = join(dir, "made");
    const pidFile = join(dir, "batch.pid");
    const facts = [
      echo("mk", "", { probe: `touch ${quote(made)}` }),
      echo("boom", "", { probe: "exit 9" }),
      echo("after", "ok"),
    ];
    const script = buildProbe(facts, NONCE, { cleanup: `rm -f ${quote(made)}`, pidFile });
    const set = parseProbeOutput(facts, runSh(script), NONCE);
    assert.equal(set.get(facts[2] as Fact<string>), "ok", "one failing probe does not stop the next");
    assert.equal(existsSync(made), false, "the cleanup ran");
    assert.equal(existsSync(pidFile), false, "the pid file is gone");
  });

  it("cleans up when the shell is killed mid-batch, and a stop script ends a running batch", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-batch-"));
    const made = join(dir, "made");
    const pidFile = join(dir, "batch.pid");
    const facts = [
      echo("mk", "", { probe: `touch ${quote(made)}` }),
      echo("wait", "", { probe: "sleep 30" }),
    ];
    const child = spawn("sh", ["-c", buildProbe(facts, NONCE, { cleanup: `rm -f ${quote(made)}`, pidFile })]);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    for (let i = 0; i < 100 && !existsSync(made); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(made), "the batch started");
    // Asynchronously: a blocked event loop could not reap the batch, and the stop script would wait on a zombie.
    await promisify(execFile)("sh", ["-c", stopBatchScript(pidFile)]);
    await exited;
    assert.equal(existsSync(made), false, "killed, the batch still cleaned up");
  });

  it("a stop script signals only a real process id: never 0, a negative id (a process group) or text", () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-batch-"));
    const pidFile = join(dir, "batch.pid");
    // `kill` shadowed by a function that only records: a guard that failed would signal nothing real.
    const recorded = (content: string): string => {
      writeFileSync(pidFile, content);
      return runSh(`kill() { echo "kill $*"; return 1; }\n${stopBatchScript(pidFile)}`);
    };
    for (const bad of ["0", "-1", "-123", "1", "", "abc", "12 34"]) {
      assert.equal(recorded(bad), "", `pid file ${JSON.stringify(bad)} led to a kill`);
    }
    assert.equal(recorded("4242"), "kill -TERM 4242\nkill -0 4242\n");
  });
});
