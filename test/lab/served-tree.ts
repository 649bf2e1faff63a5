// Places a tree built elsewhere in .cache under the served repo root (hard links, no copy), replacing
// what is there only when its input hash changed. The main tree, its hash and the host images built
// from it stay as they are, and the repo container needs no new mount.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { $ } from "./sh.js";

const STAMP = ".ops-lab-inputs";

/** Serves `built` at `mainRoot`/`at` (e.g. "vendor" or "linux/debian"), stamped with `hash`. */
export async function placeUnder(mainRoot: string, at: string, built: string, hash: string): Promise<void> {
  const served = join(mainRoot, at);
  const stamp = join(served, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash) return;
  mkdirSync(dirname(served), { recursive: true });
  const next = join(dirname(served), `.${basename(served)}-${hash}`);
  rmSync(next, { recursive: true, force: true });
  await $`cp -al ${built} ${next}`;
  writeFileSync(join(next, STAMP), `${hash}\n`);
  rmSync(served, { recursive: true, force: true });
  renameSync(next, served);
}
