/**
 * The random values an `ops` process draws (record-random.mjs): the environment that records them,
 * and what was recorded. For tests that must know a secret ops made for itself.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PRELOAD = fileURLToPath(new URL("./record-random.mjs", import.meta.url));

export interface RandomLog {
  /** The environment for `ops(…, env)`: this process's, with the preload added. */
  readonly env: NodeJS.ProcessEnv;
  /** Every 32-byte value drawn so far, base64url. */
  values(): string[];
  /** Removes the log (it holds secrets). */
  remove(): void;
}

export function randomLog(): RandomLog {
  const dir = mkdtempSync(join(tmpdir(), "ops-e2e-random-"));
  const file = join(dir, "values");
  return {
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${PRELOAD}`.trim(),
      OPS_E2E_RANDOM_LOG: file,
    },
    values: () => {
      try {
        return readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l !== "");
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
