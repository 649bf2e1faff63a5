/** Syntax checks for generated shell: every POSIX-ish shell on this machine must accept a script. */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";

const shells = ["sh", "dash", "bash"].filter((s) => spawnSync("sh", ["-c", `command -v ${s}`]).status === 0);

/** Fails with the shell's own message when `sh -n` (and dash, bash) reject the script. */
export function assertParses(script: string): void {
  for (const shell of shells) {
    const r = spawnSync(shell, ["-n"], { input: script, encoding: "utf8" });
    assert.equal(r.status, 0, `${shell} -n rejected the script: ${r.stderr}\n${script}`);
  }
}
