/**
 * Where the project's own files are at run time. Code runs from src/ (tests, through tsx) and from
 * dist/bundle/ (the built CLI), so paths are found by walking up to the package root, not by a fixed
 * number of `..`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "ops")
      return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ops package root above ${start}`);
    dir = up;
  }
}

/** The folder holding package.json, templates/ and playbooks/. */
export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** ejs templates, grouped by target (yum/, docker/, registry/). */
export const TEMPLATES_DIR = join(PROJECT_ROOT, "templates");

/** The package version. */
export const VERSION = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }
).version;
