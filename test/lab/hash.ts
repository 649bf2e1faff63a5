// Content hashes that name cached artifacts and image tags: an artifact is rebuilt only when the
// hash of its inputs (file contents, package lists, versions) changes.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Input to a hash: literal text, or a file/directory whose contents count (paths relative to root). */
export type HashInput = string | { path: string };

function addPath(hash: ReturnType<typeof createHash>, root: string, path: string): void {
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path).sort()) addPath(hash, root, join(path, entry));
    return;
  }
  hash.update(`file:${relative(root, path)}\0`);
  hash.update(readFileSync(path));
  hash.update("\0");
}

/** Returns the first 12 hex digits of a sha256 over all inputs, e.g. hashInputs(["x", {path}]). */
export function hashInputs(inputs: readonly HashInput[]): string {
  const hash = createHash("sha256");
  for (const input of inputs) {
    if (typeof input === "string") hash.update(`text:${input}\0`);
    else addPath(hash, input.path, input.path);
  }
  return hash.digest("hex").slice(0, 12);
}
