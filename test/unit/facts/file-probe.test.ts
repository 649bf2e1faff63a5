/**
 * The file probe run for real in /bin/sh on temp files: what it prints is what the fixtures of
 * test/fixtures/facts/file assume (size from stat, hash cut by the shell, content only when small).
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { file, MAX_CONTENT_BYTES } from "../../../src/facts/file.js";

const probe = (path: string) => {
  const fact = file(path);
  return fact.parse(execFileSync("sh", ["-c", fact.probe], { encoding: "utf8" }));
};
const sha = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

describe("file probe on real files", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "ops-file-probe-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a small file: mode, size, sha256 and content", () => {
    const path = join(dir, "a name with spaces.json");
    writeFileSync(path, '{"a": 1}\n', { mode: 0o640 });
    const f = probe(path);
    assert.ok(f.exists);
    if (!f.exists) return;
    assert.equal(f.type, "file");
    assert.equal(f.mode, "0640");
    assert.equal(f.size, 9);
    assert.equal(f.sha256, sha('{"a": 1}\n'));
    assert.equal(f.content?.toString(), '{"a": 1}\n');
  });

  it("an empty file has a hash and empty content", () => {
    const path = join(dir, "empty");
    writeFileSync(path, "");
    const f = probe(path);
    assert.ok(f.exists && f.sha256 === sha("") && f.content?.length === 0);
  });

  it("a file larger than the limit: hash and size, no content", () => {
    const path = join(dir, "large");
    const body = Buffer.alloc(MAX_CONTENT_BYTES + 1, 0x61);
    writeFileSync(path, body);
    const f = probe(path);
    assert.ok(f.exists);
    if (!f.exists) return;
    assert.equal(f.size, MAX_CONTENT_BYTES + 1);
    assert.equal(f.sha256, sha(body));
    assert.equal(f.content, null);
  });

  it("a symlink is read through; a directory has no hash; a missing path is absent", () => {
    const target = join(dir, "target");
    writeFileSync(target, "x\n");
    symlinkSync(target, join(dir, "link"));
    const link = probe(join(dir, "link"));
    assert.ok(link.exists && link.type === "file" && link.content?.toString() === "x\n");
    mkdirSync(join(dir, "sub"));
    const sub = probe(join(dir, "sub"));
    assert.ok(sub.exists && sub.type === "directory" && sub.sha256 === null && sub.content === null);
    assert.deepEqual(probe(join(dir, "missing")), { exists: false });
  });
});
