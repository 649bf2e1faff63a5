/**
 * A person who has never used ops, for the `ops init` tests: an empty home (no key, no agent) and an
 * empty folder to work in, with the environment a terminal would give them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function person(): { home: string; cwd: string; env: Record<string, string> } {
  const home = mkdtempSync(join(tmpdir(), "ops-init-home-"));
  const cwd = mkdtempSync(join(tmpdir(), "ops-init-cwd-"));
  const env = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: home,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
  return { home, cwd, env };
}
