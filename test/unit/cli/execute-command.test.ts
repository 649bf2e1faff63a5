/**
 * executeCommand handles signals from its first moment: a signal that comes while the playbooks and
 * the inventory load stops the run before any host (exit 130, every host not started), instead of
 * ending Node by the signal's default action (exit 143 with no message, the complaint).
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { executeCommand } from "../../../src/cli/execute-command.js";

const PLAYBOOK = resolve("test/fixtures/playbooks/signal-on-load.ts");

/** Runs `work` with stdout and stderr captured, so a test reads what a user would see. */
async function captured<T>(work: () => Promise<T>): Promise<{ value: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const writes = [process.stdout.write, process.stderr.write] as const;
  process.stdout.write = ((t: string) => out.push(String(t)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((t: string) => err.push(String(t)) > 0) as typeof process.stderr.write;
  try {
    return { value: await work(), out: out.join(""), err: err.join("") };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

describe("executeCommand and signals", function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "ops-exec-cmd-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("a signal while the playbooks load: no host starts, exit 130, the signal named", async () => {
    // Port 1 on loopback refuses at once: were a host started, it would be `unreachable`, not `not-started`.
    const inventory = join(dir, "hosts.yaml");
    writeFileSync(
      inventory,
      "all:\n  hosts:\n    a: { ansible_host: 127.0.0.1, ansible_port: 1 }\n    b: { ansible_host: 127.0.0.1, ansible_port: 1 }\n",
    );
    const { value, out, err } = await captured(() =>
      executeCommand(
        { command: "run", playbooks: [PLAYBOOK], stages: { resources: true, checks: false }, apply: true },
        {
          inventory,
          extraVars: [],
          forks: 5,
          acceptNewHostKeys: false,
          output: "json",
          knownHosts: join(dir, "known_hosts"),
        },
      ),
    );
    assert.equal(value.code, 130);
    assert.deepEqual(
      value.result.hosts.map((h) => [h.host, h.status, h.commands]),
      [
        ["a", "not-started", 0],
        ["b", "not-started", 0],
      ],
    );
    assert.match(err, /interrupted \(SIGTERM\)/);
    assert.ok(!out.includes('"host-connected"'), out);
    assert.match(out, /"kind":"run-done".*"interrupted":true/);
  });
});
