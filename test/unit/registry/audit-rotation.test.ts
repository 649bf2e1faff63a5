/**
 * The audit log's rotation script, run for real with sh on files in a temporary folder (docker
 * replaced by a stub that records what it was asked): sizes, the shift of older files, the oldest
 * dropped, nginx told to reopen; below the threshold nothing moves.
 */
import { strict as assert } from "node:assert";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "../../lab/sh.js";
import { auditRotationFiles, AUDIT_TIMER_RESTART } from "../../../src/registry/audit-rotation.js";

describe("audit log rotation", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "ops-audit-rot-"));
    mkdirSync(join(root, "data/audit"), { recursive: true });
    mkdirSync(join(root, "bin"));
    writeFileSync(join(root, "bin/docker"), `#!/bin/sh\necho "$*" >> ${root}/docker.calls\n`);
    chmodSync(join(root, "bin/docker"), 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = async () => {
    const files = auditRotationFiles({ dir: root, dataDir: join(root, "data") }, { maxMb: 1, keep: 3 });
    const script = files.find((f) => f.path.endsWith("audit-rotate.sh"));
    assert.ok(script);
    writeFileSync(join(root, "rotate.sh"), script.content);
    return $({
      env: { ...process.env, PATH: `${join(root, "bin")}:${process.env.PATH ?? ""}` },
    })`sh ${join(root, "rotate.sh")}`;
  };
  const audit = (name: string) => join(root, "data/audit", name);

  it("past the size: .N moves to .N+1, the oldest beyond keep goes, the log becomes .1, nginx reopens", async () => {
    writeFileSync(audit("audit.log"), "x".repeat(1024 * 1024 + 1));
    for (const n of [1, 2, 3]) writeFileSync(audit(`audit.log.${n}`), `old ${n}\n`);
    const out = await run();
    assert.match(out.stdout, /rotated at 1048577 bytes/);
    assert.equal(readFileSync(audit("audit.log.1"), "utf8").length, 1024 * 1024 + 1);
    assert.equal(readFileSync(audit("audit.log.2"), "utf8"), "old 1\n");
    assert.equal(readFileSync(audit("audit.log.3"), "utf8"), "old 2\n");
    assert.ok(!existsSync(audit("audit.log.4")), "keep: 3");
    assert.ok(!existsSync(audit("audit.log")), "nginx makes the new one when it reopens");
    assert.equal(readFileSync(join(root, "docker.calls"), "utf8"), "compose kill -s USR1 nginx\n");
  });

  it("below the size, or with no log yet, nothing moves and nginx is left alone", async () => {
    await run();
    writeFileSync(audit("audit.log"), "small\n");
    await run();
    assert.equal(readFileSync(audit("audit.log"), "utf8"), "small\n");
    assert.ok(!existsSync(join(root, "docker.calls")));
  });

  it("the timer's units restart the timer when they change", () => {
    const files = auditRotationFiles(
      { dir: "/opt/ops-registry", dataDir: "/var/lib/ops-registry" },
      { maxMb: 100, keep: 10 },
    );
    const units = files.filter((f) => f.path.startsWith("/etc/systemd/system/"));
    assert.equal(units.length, 2);
    for (const u of units) assert.deepEqual(u.notify, [AUDIT_TIMER_RESTART]);
    assert.match(files[0]?.content ?? "", /-gt 104857600 \]/);
  });
});
