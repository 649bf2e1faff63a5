/**
 * deploy-registry's sweep of expired verify robots (verify-robots-expired.ts): its probe run by a
 * real sh over a folder of robots, then its plan.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FactSet } from "../../../src/facts/fact.js";
import { verifyRobotsExpired } from "../../../src/registry/verify-robots-expired.js";

describe("expired verify robots", () => {
  it("lists by the host's clock only the robots whose expiry passed, and removes those; a live one (a verify running) stays", () => {
    const root = mkdtempSync(join(tmpdir(), "ops-vr-"));
    try {
      const dir = join(root, "nginx/verify");
      mkdirSync(dir, { recursive: true });
      const now = Math.floor(Date.now() / 1000);
      const files = [
        `1a2b-${now - 5}.htpasswd`,
        `3c4d-${now - 3600}.htpasswd.tmp`,
        `5e6f-${now + 600}.htpasswd`,
        "notes.txt",
      ];
      for (const f of files) writeFileSync(join(dir, f), "x");
      const r = verifyRobotsExpired(root);
      const fact = r.facts[0]!;
      const output = execFileSync("sh", ["-c", fact.probe], { encoding: "utf8" });
      const plan = r.plan(new FactSet(new Map([[fact.name, { code: 0, output }]])));
      assert.equal(plan.kind, "change");
      assert.ok(plan.kind === "change");
      assert.equal(
        plan.steps[0]?.description,
        `remove 2 expired verify robots: 1a2b-${now - 5}.htpasswd, 3c4d-${now - 3600}.htpasswd.tmp`,
      );
      execFileSync("sh", ["-c", plan.steps[0]!.script]);
      assert.deepEqual(readdirSync(dir).sort(), [`5e6f-${now + 600}.htpasswd`, "notes.txt"]);
      const again = execFileSync("sh", ["-c", fact.probe], { encoding: "utf8" });
      assert.equal(r.plan(new FactSet(new Map([[fact.name, { code: 0, output: again }]]))).kind, "noop");
      // A registry with no folder yet (a first run): nothing to remove.
      const none = execFileSync("sh", ["-c", verifyRobotsExpired(join(root, "absent")).facts[0]!.probe], {
        encoding: "utf8",
      });
      assert.equal(none, "");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
