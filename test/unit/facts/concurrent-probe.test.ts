import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FactError } from "../../../src/errors.js";
import type { Fact } from "../../../src/facts/fact.js";
import { buildProbe, parseProbeOutput } from "../../../src/facts/gather.js";
import { quote } from "../../../src/transport/quote.js";

const NONCE = "0123456789abcdef0123456789abcdef";
const fact = (name: string, probe: string, extra: Partial<Fact<string>> = {}): Fact<string> => ({
  name,
  probe,
  parse: (out, code) => `${code}:${out}`,
  ...extra,
});
const frame = (i: number, body: string, code: number): string =>
  `@@ops-${NONCE}-begin-${i}@@\n${body}\n@@ops-${NONCE}-end-${i}@@ ${code}\n`;
const sh = (script: string, env: NodeJS.ProcessEnv = process.env): string =>
  execFileSync("sh", ["-c", script], { encoding: "utf8", env });

/** Probes whose output covers the edges: no newline at the end, nothing, stderr, a failure. */
const EDGES = [
  fact("plain", "printf 'a\\nb'"),
  fact("empty", "true"),
  fact("folded", "echo out; echo err >&2; exit 3", { stderr: "fold" }),
  fact("dropped", "echo out; echo err >&2"),
  fact("fails", "echo partial; exit 7"),
];
const EXPECTED =
  frame(0, "a\nb", 0) +
  frame(1, "", 0) +
  frame(2, "out\nerr\n", 3) +
  frame(3, "out\n", 0) +
  frame(4, "partial\n", 7);

describe("concurrent probe batch", () => {
  it("prints byte for byte the frames of the sequential batch, each with its probe's exit status", () => {
    assert.equal(sh(buildProbe(EDGES, NONCE)), EXPECTED);
  });

  it("runs the probes at once: a probe that waits for a later one's file finishes", () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-concurrent-"));
    const mark = quote(join(dir, "mark"));
    // Run one after the other, the first would give up (exit 9) before the second made the file.
    const waits = fact(
      "waits",
      `i=0; while [ ! -e ${mark} ]; do i=$((i+1)); [ $i -gt 500 ] && exit 9; sleep 0.01; done; echo seen`,
    );
    const makes = fact("makes", `sleep 0.05; touch ${mark}; echo made`);
    const set = parseProbeOutput([waits, makes], sh(buildProbe([waits, makes], NONCE)), NONCE);
    assert.equal(set.get(waits), "0:seen\n");
    assert.equal(set.get(makes), "0:made\n");
  });

  it("removes its private directory when it ends", () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-concurrent-"));
    const where = join(dir, "where");
    // A probe sees the batch's directory ($ops_d) and says where it was.
    const says = fact("says", `printf '%s' "$ops_d" > ${quote(where)}`);
    assert.equal(sh(buildProbe([...EDGES, says], NONCE)), EXPECTED + frame(5, "", 0));
    const used = readFileSync(where, "utf8");
    assert.ok(used.length > 0, "the batch made a directory");
    assert.equal(existsSync(used), false, `${used} is left behind`);
  });

  it("runs the probes one after the other, with the same output, when no private directory can be made", () => {
    const bin = mkdtempSync(join(tmpdir(), "ops-no-mktemp-"));
    writeFileSync(join(bin, "mktemp"), "#!/bin/sh\necho 'mktemp: read-only file system' >&2\nexit 1\n");
    chmodSync(join(bin, "mktemp"), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
    assert.equal(sh(buildProbe(EDGES, NONCE), env), EXPECTED);
  });

  it("a batch stopped before its probes ended prints no section: every fact is an error, none a value", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-concurrent-"));
    const started = join(dir, "started");
    const slow = `printf '%s' "$ops_d" > ${quote(started)}; sleep 5; echo late`;
    const facts = [fact("quick", "echo done"), fact("slow", slow)];
    const child = spawn("sh", ["-c", buildProbe(facts, NONCE)]);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    for (let i = 0; i < 250 && !(existsSync(started) && readFileSync(started, "utf8") !== ""); i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.ok(existsSync(started), "the slow probe started");
    child.kill("SIGTERM");
    assert.equal(await exited, 143);
    const set = parseProbeOutput(facts, out, NONCE);
    for (const f of facts)
      assert.throws(
        () => set.get(f),
        (e: unknown) => e instanceof FactError && /no section/.test(e.message),
      );
    const used = readFileSync(started, "utf8");
    assert.ok(used.length > 0, "the batch made a directory");
    assert.equal(existsSync(used), false, "the trap removed the directory");
  });

  it("keeps gated batches and batches with a cleanup sequential, as their gates and traps need", () => {
    const facts = [fact("one", "echo 1"), fact("two", "echo 2")];
    assert.doesNotMatch(buildProbe(facts, NONCE, { gates: new Map([["two", ["one"]]]) }), /mktemp/);
    assert.doesNotMatch(buildProbe(facts, NONCE, { cleanup: "true" }), /mktemp/);
    assert.match(buildProbe(facts, NONCE), /mktemp/);
  });
});
