import { strict as assert } from "node:assert";
import { matches, namesKnownCheck } from "../../../src/compliance/check-ids.js";
import { driftIdsOf } from "../../../src/compliance/drift-ids.js";
import installEngine from "../../../playbooks/install-engine.js";
import type { Playbook } from "../../../src/playbook.js";

describe("check ids in policies and waivers", () => {
  it("patterns match with * only", () => {
    assert.ok(matches("cis.5.*", "cis.5.5"));
    assert.ok(matches("cis.1.1.*", "cis.1.1.18"));
    assert.ok(matches("cis.3.1?", "cis.3.16"));
    assert.ok(!matches("cis.3.1", "cis.3.16"));
    assert.ok(!matches("cis.3.*", "cis.5.32"));
    assert.ok(!matches("cis.2.2", "cis.2.22"));
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
    const known = (p: string) => namesKnownCheck(p, ["cis.2.2"], ids);
    assert.ok(known("drift.*"));
    assert.ok(known("drift.daemon-json:*"));
    assert.ok(known("drift.packages:docker-ce,docker-ce-cli"), "a resource kind install-engine has");
    assert.ok(!known("drift.nonsense:/x"));
    assert.ok(!known("cis.2.2x"));
  });
});
