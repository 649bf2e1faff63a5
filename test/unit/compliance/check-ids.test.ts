import { strict as assert } from "node:assert";
import { matches, namesKnownCheck } from "../../../src/compliance/check-ids.js";
import { driftIdsOf } from "../../../src/compliance/drift-ids.js";
import installEngine from "../../../playbooks/install-engine.js";
import type { Playbook } from "../../../src/playbook.js";

describe("check ids in policies and waivers", () => {
  it("patterns match with * only", () => {
    assert.ok(matches("cis.containers.*", "cis.containers.privileged"));
    assert.ok(matches("*.privileged", "cis.containers.privileged"));
    assert.ok(matches("cis.*.docker-sock", "cis.files.docker-sock"));
    assert.ok(!matches("cis.files.*", "cis.containers.docker-sock"));
    assert.ok(!matches("cis.daemon.icc", "cis.daemon.icc2"));
    assert.ok(
      matches("drift.daemon-json:/etc/docker/daemon.json", "drift.daemon-json:/etc/docker/daemon.json"),
    );
    assert.ok(!matches("a*a", "a"), "the two ends cannot overlap");
  });

  it("drift ids come from install-engine's resources with default variables", () => {
    const ids = driftIdsOf([{ playbook: installEngine as unknown as Playbook<Record<string, unknown>> }]);
    assert.ok(ids.includes("drift.daemon-json:/etc/docker/daemon.json"), ids.join(" "));
    assert.ok(ids.includes("drift.service:docker"));
    assert.ok(ids.includes("drift.preflight"));
    const known = (p: string) => namesKnownCheck(p, ["cis.daemon.icc"], ids);
    assert.ok(known("drift.*"));
    assert.ok(known("drift.daemon-json:*"));
    assert.ok(known("drift.packages:docker-ce,docker-ce-cli"), "a resource kind install-engine has");
    assert.ok(!known("drift.nonsense:/x"));
    assert.ok(!known("cis.daemon.iccc"));
  });
});
