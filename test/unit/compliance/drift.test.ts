import { strict as assert } from "node:assert";
import { diffSides, driftOutcomes } from "../../../src/compliance/drift.js";

describe("drift as check outcomes", () => {
  const plan = [
    {
      resource: "template:/etc/yum.repos.d/docker-ce.repo",
      outcome: "noop" as const,
      reason: "/etc/yum.repos.d/docker-ce.repo is up to date",
    },
    {
      resource: "daemon-json:/etc/docker/daemon.json",
      outcome: "change" as const,
      steps: [
        {
          description: "update /etc/docker/daemon.json (registry-mirrors)",
          diff: '~ registry-mirrors: [] -> ["http://172.28.213.4:5000"]\n',
        },
      ],
    },
    {
      resource: "preflight",
      outcome: "fail" as const,
      message: "Debian is not an EL host",
      hint: "use an EL host",
    },
  ];

  it("a resource in place passes, one with steps left fails with the step as evidence, one that cannot be planned errors", () => {
    const [repo, daemon, preflight] = driftOutcomes("install-engine", plan);
    assert.equal(repo?.id, "drift.install-engine.template:/etc/yum.repos.d/docker-ce.repo");
    assert.equal(repo?.status, "pass");
    assert.equal(repo?.message, "/etc/yum.repos.d/docker-ce.repo is up to date");
    assert.equal(daemon?.status, "fail");
    assert.equal(daemon?.message, "drift: update /etc/docker/daemon.json (registry-mirrors)");
    assert.equal(daemon?.expected, 'registry-mirrors: ["http://172.28.213.4:5000"]');
    assert.equal(daemon?.actual, "registry-mirrors: []");
    assert.match(daemon?.evidence.outputTail ?? "", /^would update \/etc\/docker\/daemon.json/);
    assert.equal(daemon?.evidence.source, "plan");
    assert.ok(daemon?.hint);
    assert.equal(preflight?.status, "error");
    assert.equal(preflight?.hint, "use an EL host");
    assert.deepEqual(daemon?.labels, { drift: "install-engine", severity: "medium" });
  });

  it("reads expected and actual from a unified diff too", () => {
    const diff = "--- /etc/motd\tcurrent\n+++ /etc/motd\tdesired\n@@ -1 +1 @@\n-hello\n+managed by ops\n";
    assert.deepEqual(diffSides(diff), { expected: "managed by ops", actual: "hello" });
  });

  it("without a diff, says what would be done", () => {
    const [o] = driftOutcomes("install-engine", [
      { resource: "service:docker", outcome: "change", steps: [{ description: "start docker" }] },
    ]);
    assert.equal(o?.expected, "start docker");
    assert.equal(o?.actual, "not done");
  });
});
