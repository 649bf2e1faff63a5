import { strict as assert } from "node:assert";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { writeFilesAtomically } from "../../../src/wizard/write-files.js";

describe("wizard/write-files", () => {
  it("writes every file, making folders, keeping an existing file's mode", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wf-"));
    writeFileSync(join(dir, "hosts.yaml"), "old\n", { mode: 0o600 });
    await writeFilesAtomically([
      { path: join(dir, "hosts.yaml"), content: "new\n" },
      { path: join(dir, "group_vars", "all.yaml"), content: "x: 1\n" },
    ]);
    assert.equal(readFileSync(join(dir, "hosts.yaml"), "utf8"), "new\n");
    assert.equal(statSync(join(dir, "hosts.yaml")).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, "group_vars", "all.yaml"), "utf8"), "x: 1\n");
    assert.equal(statSync(join(dir, "group_vars", "all.yaml")).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dir).sort(), ["group_vars", "hosts.yaml"]);
  });

  it("when one file cannot be written, none is: no new file, no new folder, the old file untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wf-"));
    writeFileSync(join(dir, "hosts.yaml"), "old\n");
    mkdirSync(join(dir, "locked"));
    chmodSync(join(dir, "locked"), 0o500);
    const asRoot = process.getuid?.() === 0;
    // root ignores directory modes: a path under a regular file fails for everyone instead.
    const blocked = asRoot ? join(dir, "hosts.yaml", "all.yaml") : join(dir, "locked", "all.yaml");
    await assert.rejects(
      writeFilesAtomically([
        { path: join(dir, "hosts.yaml"), content: "new\n" },
        { path: join(dir, "group_vars", "x.yaml"), content: "y\n" },
        { path: blocked, content: "x\n" },
      ]),
      (e: unknown) =>
        e instanceof ConfigError &&
        /could not write the inventory/.test(e.message) &&
        /nothing was changed/.test(e.hint ?? ""),
    );
    assert.equal(readFileSync(join(dir, "hosts.yaml"), "utf8"), "old\n");
    assert.ok(!existsSync(join(dir, "group_vars")), "the folder made for the files is gone");
    assert.deepEqual(readdirSync(dir).sort(), ["hosts.yaml", "locked"]);
  });
});
