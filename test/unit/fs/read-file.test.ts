import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/errors.js";
import { readUserFile, readUserFileSync } from "../../../src/fs/read-file.js";

/** Asserts a ConfigError that names `file` and says `message`. */
function refuses(file: string, message: RegExp, options = {}): void {
  assert.throws(
    () => readUserFileSync(file, options),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.location.file, file);
      assert.match(e.message, message);
      return true;
    },
  );
}

describe("readUserFile: only regular files, never more than the cap", () => {
  let dir: string;
  let server: Server | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-read-"));
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads a regular file, and one through a symlink", async () => {
    writeFileSync(join(dir, "a.yaml"), "a: 1\n");
    symlinkSync(join(dir, "a.yaml"), join(dir, "link.yaml"));
    assert.equal(readUserFileSync(join(dir, "a.yaml")), "a: 1\n");
    assert.equal(await readUserFile(join(dir, "link.yaml")), "a: 1\n");
  });

  it("refuses /dev/zero at once (a device), before reading a byte", () => {
    refuses("/dev/zero", /^-e @file is a device, not a regular file$/, { what: "-e @file" });
  });

  it("refuses a FIFO without waiting for a writer (a blocking open would hang this test)", () => {
    const fifo = join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    refuses(fifo, /^file is a named pipe \(FIFO\), not a regular file$/);
    symlinkSync(fifo, join(dir, "pipe-link"));
    refuses(join(dir, "pipe-link"), /named pipe/);
  });

  it("refuses a directory and a socket", async () => {
    refuses(dir, /^inventory file is a directory, not a regular file$/, { what: "inventory file" });
    const socket = join(dir, "sock");
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(socket, resolve));
    refuses(socket, /^file is a socket, not a regular file$/);
  });

  it("refuses a file over the cap, and accepts one exactly at it", () => {
    writeFileSync(join(dir, "big"), "x".repeat(1025));
    writeFileSync(join(dir, "fits"), "x".repeat(1024));
    refuses(join(dir, "big"), /^file is larger than 1024 bytes, the most ops reads$/, { maxBytes: 1024 });
    assert.equal(readUserFileSync(join(dir, "fits"), { maxBytes: 1024 }).length, 1024);
  });

  it("stops at the cap even when the size on disk says 0 (/proc files)", () => {
    // /proc/self/maps is a regular file of size 0 that yields far more than 64 bytes.
    refuses("/proc/self/maps", /larger than 64 bytes/, { maxBytes: 64 });
    assert.match(readUserFileSync("/proc/self/status"), /^Name:/);
  });

  it("names a missing file, with the caller's hint", () => {
    assert.throws(
      () => readUserFileSync(join(dir, "nope.yaml"), { what: "inventory file", missingHint: "pass -i" }),
      (e: unknown) =>
        e instanceof ConfigError && e.message === "inventory file not found" && e.hint === "pass -i",
    );
  });

  it("rejects (does not throw synchronously) in the async form", async () => {
    await assert.rejects(readUserFile("/dev/zero"), ConfigError);
  });
});
