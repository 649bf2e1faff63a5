/**
 * A digest of what a `docker build` is given: every file of the context (path, kind, executable
 * bit, bytes; a symlink's target), the Dockerfile's path, the target and the build args. The build
 * stamps it on the image as a label, so a later run that finds the label unchanged on the image
 * builds nothing and sends no context anywhere. Reads the context; writes nothing.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";

/** The label that holds the digest on a built image. */
export const CONTEXT_LABEL = "ops.build-context";

export interface BuildInput {
  /** The context folder, absolute. */
  readonly context: string;
  /** The Dockerfile relative to the context (absent: `Dockerfile`). */
  readonly dockerfile?: string;
  readonly target?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
}

async function addFile(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** Entries below `dir` in a fixed order (byte order of names), each folder before its contents. */
async function addTree(hash: Hash, root: string, rel: string): Promise<void> {
  const names = (await readdir(join(root, rel))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const path = rel === "" ? name : `${rel}/${name}`;
    const full = join(root, path);
    const st = await lstat(full);
    // NUL ends every field: no name or target can run into the next one.
    if (st.isSymbolicLink()) hash.update(`l\0${path}\0${await readlink(full)}\0`);
    else if (st.isDirectory()) {
      hash.update(`d\0${path}\0`);
      await addTree(hash, root, path);
    } else if (st.isFile()) {
      hash.update(`f\0${path}\0${st.mode & 0o111 ? "x" : "-"}\0${st.size}\0`);
      await addFile(hash, full);
    }
  }
}

/**
 * @example await contextDigest({ context: "/inv/app", target: "run", buildArgs: { V: "1" } }) // "sha256:…"
 */
export async function contextDigest(input: BuildInput): Promise<string> {
  const hash = createHash("sha256");
  const args = Object.entries(input.buildArgs ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  hash.update(
    JSON.stringify({ dockerfile: input.dockerfile ?? "Dockerfile", target: input.target ?? "", args }),
  );
  hash.update("\0");
  await addTree(hash, input.context, "");
  return `sha256:${hash.digest("hex")}`;
}
