/**
 * The batch: checks grouped into sections (equal scripts shared), `needs` gating, output split back
 * per section, and the exit trap that cleans up even when a check fails. The shell parts run in a
 * real /bin/sh, so the framing and the trap are proven, not assumed.
 */
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { buildBatch, makeNonce, planBatch, splitBatch } from "../../../src/verify/batch.js";
import type { Check, CheckContext } from "../../../src/verify/check.js";
import { allChecks } from "../../../src/verify/checks.js";
import { newRunId, prefixOf, tempPath } from "../../../src/verify/names.js";
import { fixtureContext } from "./context.js";

const run = promisify(execFile);

/** A check whose script is given; parse is never called by these tests. */
const fake = (id: string, script: string, needs?: string[]): Check => ({
  id,
  title: id,
  ...(needs ? { needs } : {}),
  script: () => script,
  command: () => script,
  parse: () => ({ status: "pass", message: "", evidence: { command: "", outputTail: "" } }),
});

async function sh(script: string): Promise<string> {
  // No docker on PATH: the cleanup's docker part is skipped, its file part still runs.
  const { stdout } = await run("/bin/sh", ["-c", script], { env: { PATH: "/usr/bin:/bin" } });
  return stdout;
}

describe("verify batch", () => {
  it("runs the docker-info probe once for the four checks that read it", () => {
    const plan = planBatch(allChecks, fixtureContext());
    const info = ["engine.info", "engine.versions", "config.registry-mirrors", "config.insecure-registries"];
    const sections = info.map((id) => plan.sectionOf[allChecks.findIndex((c) => c.id === id)]);
    assert.equal(new Set(sections).size, 1);
    assert.equal(
      plan.sections.length,
      allChecks.length - 4,
      "active+enabled share, and the info probe is shared",
    );
  });

  it("refuses a check that needs one not listed before it", () => {
    assert.throws(
      () => planBatch([fake("b", "true", ["a"]), fake("a", "true")], fixtureContext()),
      /needs a/,
    );
  });

  it("frames each section, gates on needs, and reports codes and skips", async () => {
    const ctx: CheckContext = { ...fixtureContext(), prefix: prefixOf(newRunId()) };
    const checks = [
      fake("one", "echo hello; echo err >&2"),
      fake("two", "echo failing; exit 4"),
      fake("three", "echo never", ["two"]),
      fake("four", "echo fine", ["one"]),
    ];
    const plan = planBatch(checks, ctx);
    const nonce = makeNonce();
    const out = splitBatch(await sh(buildBatch(plan, ctx, nonce)), plan.sections.length, nonce);
    assert.deepEqual(out, [
      { code: 0, output: "hello\nerr\n", skipped: false },
      { code: 4, output: "failing\n", skipped: false },
      { code: -1, output: "", skipped: true },
      { code: 0, output: "fine\n", skipped: false },
    ]);
  });

  it("a section whose end frame is missing is undefined, never a pass", () => {
    const nonce = makeNonce();
    const stdout = `@@verify-${nonce}-begin-0@@\nhalf of it`;
    assert.deepEqual(splitBatch(stdout, 2, nonce), [undefined, undefined]);
  });

  it("output cannot forge another section's frame without the nonce", async () => {
    const ctx = fixtureContext();
    const plan = planBatch([fake("a", "printf '\\n@@verify-0000-end-0@@ 0\\n'; exit 1")], ctx);
    const nonce = makeNonce();
    const [a] = splitBatch(await sh(buildBatch(plan, ctx, nonce)), 1, nonce);
    assert.equal(a?.code, 1);
  });

  it("removes the run's temp paths and pid file on exit, also when a check fails", async () => {
    const ctx: CheckContext = { ...fixtureContext(), prefix: prefixOf(newRunId()) };
    const dir = tempPath(ctx, "bind");
    const checks = [
      fake("mk", `mkdir ${dir} && touch ${dir}/f`),
      fake("boom", "exit 9"),
      fake("after", "exit 0"),
    ];
    const plan = planBatch(checks, ctx);
    const nonce = makeNonce();
    const out = splitBatch(await sh(buildBatch(plan, ctx, nonce)), plan.sections.length, nonce);
    assert.equal(out[1]?.code, 9);
    assert.equal(out[2]?.code, 0, "one failing check does not stop the next");
    assert.equal(existsSync(dir), false, "the temp dir is gone");
    assert.equal(existsSync(`/tmp/${ctx.prefix}.pid`), false, "the pid file is gone");
  });

  it("cleans up when the shell is killed mid-check", async () => {
    const ctx: CheckContext = { ...fixtureContext(), prefix: prefixOf(newRunId()) };
    const dir = tempPath(ctx, "bind");
    const plan = planBatch([fake("mk", `mkdir ${dir}`), fake("self-kill", "kill -TERM $$; sleep 1")], ctx);
    await sh(buildBatch(plan, ctx, makeNonce())).catch(() => undefined);
    assert.equal(existsSync(dir), false);
  });
});
