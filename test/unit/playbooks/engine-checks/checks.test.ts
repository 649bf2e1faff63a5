/**
 * The one harness for check fixtures: test/unit/playbooks/engine-checks/fixtures/<check id>/*.json, each a recorded
 * section `{ code, output, desired?, image? }` and the verdict it must give: `{ status, message?
 * (a substring), expected?, actual? }`. Every check has at least one pass and one fail case.
 */
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CheckStatus } from "../../../../src/checks/check.js";
import type { Desired } from "../../../../playbooks/engine-checks/script-check.js";
import { allChecks } from "../../../../playbooks/engine-checks/index.js";
import { fixtureContext } from "./context.js";

interface CheckCase {
  code: number;
  output: string;
  desired?: Partial<Desired>;
  image?: string;
  expected: { status: CheckStatus; message?: string; expected?: string; actual?: string };
}

const root = fileURLToPath(new URL("./fixtures/", import.meta.url));

describe("verify check fixtures", () => {
  const folders = readdirSync(root).sort();

  it("every check has a fixture folder with a pass and a fail case", () => {
    for (const check of allChecks) {
      assert.ok(folders.includes(check.id), `no fixtures for ${check.id}`);
      const statuses = readdirSync(`${root}${check.id}`).map(
        (f) => (JSON.parse(readFileSync(`${root}${check.id}/${f}`, "utf8")) as CheckCase).expected.status,
      );
      assert.ok(
        statuses.includes("pass") && statuses.includes("fail"),
        `${check.id} needs pass and fail cases`,
      );
    }
  });

  for (const folder of folders) {
    const check = allChecks.find((c) => c.id === folder);
    describe(folder, () => {
      it("is a known check", () => assert.ok(check, `no check with id ${folder}`));
      if (!check) return;
      for (const file of readdirSync(`${root}${folder}`).sort()) {
        const c = JSON.parse(readFileSync(`${root}${folder}/${file}`, "utf8")) as CheckCase;
        it(file.replace(/\.json$/, ""), () => {
          const ctx = fixtureContext(c);
          const got = check.parse({ code: c.code, output: c.output }, ctx);
          assert.equal(got.status, c.expected.status, `${got.status}: ${got.message}`);
          if (c.expected.message !== undefined)
            assert.ok(got.message.includes(c.expected.message), `message was: ${got.message}`);
          if (c.expected.expected !== undefined) assert.equal(got.expected, c.expected.expected);
          if (c.expected.actual !== undefined) assert.equal(got.actual, c.expected.actual);
          assert.equal(got.evidence.command, check.command(ctx));
          if (got.status !== "pass")
            assert.ok(got.hint || got.expected || got.message, "a failure explains itself");
        });
      }
    });
  }
});
