/**
 * `ops check history` and `ops check diff` through the real command line: options after the
 * subcommand are the subcommand's (`--history`, `-o` are also `ops check`'s own).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDiffCommand } from "../../../src/cli/check-history-command.js";
import { main } from "../../../src/cli/main.js";
import { ConfigError } from "../../../src/errors.js";
import { openHistory } from "../../../src/compliance/history/open.js";
import { run } from "../compliance/support/runs.js";

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (
    (out += chunk.toString()),
    true
  )) as typeof process.stdout.write;
  try {
    const code = await main(["node", "ops", ...args]);
    return { code, out };
  } finally {
    process.stdout.write = write;
  }
}

describe("ops check history|diff (command line)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-check-cli-"));
  const history = join(dir, "history.sqlite");
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    const store = await openHistory(history);
    await store.save(run("r1", "2026-05-01T02:00:00Z", { "el9-1": { "cis.2.2": "pass" } }));
    await store.save(run("r2", "2026-05-02T02:00:00Z", { "el9-1": { "cis.2.2": "fail" } }));
    await store.close();
  });

  it("history reads the --history given after the subcommand, in -o json", async () => {
    const { code, out } = await cli(["check", "history", "--history", history, "--list-runs", "-o", "json"]);
    assert.equal(code, 0);
    assert.deepEqual(
      (JSON.parse(out) as { id: string }[]).map((r) => r.id),
      ["r2", "r1"],
    );
  });

  it("diff compares the last two runs by default", async () => {
    const { code, out } = await cli(["check", "diff", "--history", history]);
    assert.equal(code, 0);
    assert.match(out, /^from run r1 .* to run r2/);
    assert.match(out, /\+ newly failing el9-1 cis.2.2 \[medium\]/);
  });

  it("diff of a run the history does not hold is a configuration error", async () => {
    await assert.rejects(
      checkDiffCommand("r1", "nope", { history, output: "pretty" }, () => undefined),
      (e: unknown) => e instanceof ConfigError && /cannot compare: no run nope in /.test(e.message),
    );
  });
});
