/**
 * gc.sh, run for real in sh with a fake `docker` on PATH: from the timer it takes the host's run
 * lock (so a scheduled collection and an ops run never overlap), skips when a run holds it, and
 * releases only its own lock, also when the collection fails; from `ops run registry-gc` (which holds
 * the lock itself) it leaves the lock alone.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderTemplate } from "../../../src/resources/render.js";
import { quote } from "../../../src/transport/quote.js";

describe("registry gc.sh and the host's run lock", () => {
  let root = "";
  let lock = "";
  let log = "";
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "ops-gc-"));
    lock = join(root, "run", "ops.lock");
    log = join(root, "docker.log");
    mkdirSync(join(root, "run"));
    mkdirSync(join(root, "opt"));
    mkdirSync(join(root, "data", "registry"), { recursive: true });
    mkdirSync(join(root, "bin"));
    // The fake docker records each call with the lock file's owner line as it is at that moment.
    writeFileSync(
      join(root, "bin", "docker"),
      [
        "#!/bin/sh",
        `owner=$(grep '^owner=' ${quote(lock)} 2>/dev/null || echo 'owner=-')`,
        `echo "$owner cfg=\${OPS_REGISTRY_CONFIG:-} $*" >> ${quote(log)}`,
        'case "$*" in *garbage-collect*) [ -z "${FAIL_GC:-}" ] || exit 3;; esac',
        "exit 0",
      ].join("\n") + "\n",
    );
    chmodSync(join(root, "bin", "docker"), 0o755);
    const script = renderTemplate("registry/gc.sh.ejs", {
      dir: join(root, "opt"),
      dataDir: join(root, "data"),
      retention: [],
      quote,
      runLock: lock,
    });
    writeFileSync(join(root, "opt", "gc.sh"), script, { mode: 0o755 });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const gc = (args: string[], env: Record<string, string> = {}) =>
    spawnSync("sh", [join(root, "opt", "gc.sh"), ...args], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${join(root, "bin")}:${process.env.PATH ?? ""}`, ...env },
    });
  const calls = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []);

  it("from the timer: collects holding the run lock, then releases it", () => {
    const r = gc(["--timer"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ops-gc bytes_before=\d+ bytes_after=\d+ tags_removed=0$/m);
    const seen = calls();
    assert.ok(seen.length >= 3, seen.join("\n"));
    for (const c of seen)
      assert.match(c, /^owner=ops-registry-gc\.timer /, "every docker call ran under the lock");
    assert.ok(seen.some((c) => c.includes("garbage-collect")));
    assert.equal(existsSync(lock), false, "the lock is released");
  });

  it("from the timer while an ops run holds the lock: skipped with exit 75, nothing run, the run's lock kept", () => {
    const held = "owner=alice@laptop\nrun=r-1\nstarted=2026-12-01T10:00:00Z\n";
    writeFileSync(lock, held);
    const r = gc(["--timer"]);
    assert.equal(r.status, 75);
    assert.match(r.stderr, /an ops run holds .*ops\.lock: garbage collection skipped this time/);
    assert.deepEqual(calls(), []);
    assert.equal(readFileSync(lock, "utf8"), held);
  });

  it("a failed collection still returns the registry to read-write and releases the lock", () => {
    const r = gc(["--timer"], { FAIL_GC: "1" });
    assert.notEqual(r.status, 0);
    const seen = calls();
    const failed = seen.findIndex((c) => c.includes("garbage-collect"));
    assert.ok(failed >= 0, seen.join("\n"));
    assert.ok(
      seen.slice(failed + 1).some((c) => c.includes("cfg=config.yml compose up -d")),
      `read-write again after the failure:\n${seen.join("\n")}`,
    );
    assert.equal(existsSync(lock), false);
  });

  it("from ops run registry-gc (no --timer): the run's own lock is neither needed nor touched", () => {
    const held = "owner=alice@laptop\nrun=r-2\nstarted=2026-12-01T10:00:00Z\n";
    writeFileSync(lock, held);
    const r = gc([]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(calls().some((c) => c.startsWith("owner=alice@laptop ") && c.includes("garbage-collect")));
    assert.equal(readFileSync(lock, "utf8"), held);
  });
});
