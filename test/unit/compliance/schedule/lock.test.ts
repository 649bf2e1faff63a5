import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { acquireLock, LockBusy } from "../../../../src/compliance/schedule/lock.js";

describe("schedule lock (control machine)", () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-lock-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a second run is refused while the first holds the lock, and may run after it released it", async () => {
    const file = join(dir, "a", "check-nightly.lock");
    const release = await acquireLock(file);
    // The same process cannot prove "alive": a live other process holds it below.
    const holder = JSON.parse(readFileSync(file, "utf8")) as { pid: number };
    assert.equal(holder.pid, process.pid);
    await assert.rejects(acquireLock(file), LockBusy);
    await release();
    assert.ok(!existsSync(file));
    const again = await acquireLock(file);
    await again();
  });

  it("a lock held by a live process is busy; one whose process is gone is taken over", async () => {
    const file = join(dir, "b.lock");
    const sleeper = spawn("sleep", ["30"]);
    try {
      writeFileSync(file, JSON.stringify({ pid: sleeper.pid, started: "2026-05-01T02:00:00Z" }));
      await assert.rejects(
        acquireLock(file),
        (e: unknown) => e instanceof LockBusy && /since 2026-05-01/.test(e.message),
      );
    } finally {
      sleeper.kill();
    }
    await new Promise((r) => sleeper.once("exit", r));
    const release = await acquireLock(file);
    assert.equal((JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid, process.pid);
    await release();
  });

  it("a lock file naming pid 0 or a negative pid (process groups, not holders) is taken over", async () => {
    for (const pid of [0, -1]) {
      const file = join(dir, `group${pid}.lock`);
      writeFileSync(file, JSON.stringify({ pid, started: "2026-05-01T02:00:00Z" }));
      const release = await acquireLock(file);
      assert.equal((JSON.parse(readFileSync(file, "utf8")) as { pid: number }).pid, process.pid);
      await release();
    }
  });

  it("two runs started at once: exactly one gets the lock", async () => {
    const file = join(dir, "c.lock");
    writeFileSync(file, JSON.stringify({ pid: 999999, started: "stale" }));
    const results = await Promise.allSettled([acquireLock(file), acquireLock(file)]);
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) if (r.status === "fulfilled") await r.value();
  });
});
