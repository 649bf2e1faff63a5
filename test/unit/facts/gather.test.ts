import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { FactError } from "../../../src/errors.js";
import type { Fact } from "../../../src/facts/fact.js";
import { buildProbe, makeNonce, parseProbeOutput, type GatheredFact } from "../../../src/facts/gather.js";
import { file } from "../../../src/facts/file.js";
import { group, users } from "../../../src/facts/group.js";
import { kernel } from "../../../src/facts/kernel.js";
import { lock } from "../../../src/facts/lock.js";
import { osRelease } from "../../../src/facts/os-release.js";
import { packageManager } from "../../../src/facts/package-manager.js";
import { quote } from "../../../src/transport/quote.js";

const NONCE = "0123456789abcdef0123456789abcdef";
const echo = (
  name: string,
  text: string,
  extra: Partial<GatheredFact<string>> = {},
): GatheredFact<string> => ({
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
    assert.equal(script.match(/-begin-/g)?.length, 2);
  });

  it("names the fact whose section is missing", () => {
    assert.throws(
      () => parseProbeOutput([echo("a", ""), echo("b", "")], frame(0, "x"), NONCE),
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
    assert.throws(
      () => parseProbeOutput([bad], frame(0, ""), NONCE),
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
});
