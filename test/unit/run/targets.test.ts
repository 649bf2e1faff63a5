import assert from "node:assert/strict";
import { installEngineVariables } from "../../../playbooks/install-engine.vars.js";
import { ConfigError } from "../../../src/errors.js";
import { resolveTargets } from "../../../src/run/targets.js";

const request = (limit: string | undefined) => ({
  inventoryFile: "test/fixtures/inventory/lab/hosts.yaml",
  limit,
  schema: installEngineVariables,
});

describe("resolveTargets: --limit as given on the command line", () => {
  it("no --limit: every host", async () => {
    assert.equal((await resolveTargets(request(undefined))).targets.length, 4);
  });

  for (const limit of ["", " ", ":", ","]) {
    it(`--limit ${JSON.stringify(limit)} is an error, not every host`, async () => {
      await assert.rejects(
        resolveTargets(request(limit)),
        (e: unknown) => e instanceof ConfigError && e.message === "--limit: the pattern is empty",
      );
    });
  }
});
