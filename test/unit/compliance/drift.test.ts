import { strict as assert } from "node:assert";
import type { Fact } from "../../../src/facts/fact.js";
import { FactSet } from "../../../src/facts/fact.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import { diffSides, driftChecks } from "../../../src/compliance/drift.js";
import { change, fail, noop, type Resource } from "../../../src/resources/resource.js";

const fact: Fact<string> = { name: "state", probe: "cat /state", parse: (s) => s.trim() };
const facts = (state: string) => new FactSet(new Map([["state", state]]));

const resources: Resource[] = [
  { id: "repo", facts: [fact], plan: () => noop("/etc/yum.repos.d/docker-ce.repo is up to date") },
  {
    id: "daemon-json:/etc/docker/daemon.json",
    facts: [fact],
    plan: (f) =>
      f.get(fact) === "drifted"
        ? change({
            description: "update /etc/docker/daemon.json (registry-mirrors)",
            script: ":",
            diff: '~ registry-mirrors: [] -> ["http://172.28.213.4:5000"]\n',
          })
        : noop("/etc/docker/daemon.json is up to date (registry-mirrors)"),
  },
  {
    id: "preflight",
    facts: [fact],
    plan: (f) =>
      f.get(fact) === "debian" ? fail("Debian is not an EL host", "use an EL host") : noop("el9"),
  },
  { id: "service:docker", facts: [fact], plan: () => noop("docker is running and enabled") },
];

describe("drift as checks", () => {
  it("a resource in place passes; one with steps left fails with the step as evidence and expected beside actual", () => {
    const [repo, daemon, , service] = judgeChecks(driftChecks("install-engine", resources), facts("drifted"));
    assert.equal(repo?.id, "drift.install-engine.repo");
    assert.equal(repo?.status, "pass");
    assert.equal(repo?.message, "/etc/yum.repos.d/docker-ce.repo is up to date");
    assert.equal(daemon?.id, "drift.install-engine.daemon-json:/etc/docker/daemon.json");
    assert.equal(daemon?.status, "fail");
    assert.equal(daemon?.message, "drift: update /etc/docker/daemon.json (registry-mirrors)");
    assert.equal(daemon?.expected, 'registry-mirrors: ["http://172.28.213.4:5000"]');
    assert.equal(daemon?.actual, "registry-mirrors: []");
    assert.match(daemon?.evidence.outputTail ?? "", /^would update \/etc\/docker\/daemon.json/);
    assert.equal(daemon?.evidence.source, "install-engine plan");
    assert.ok(daemon?.hint);
    assert.deepEqual(daemon?.labels, { drift: "install-engine", severity: "medium" });
    assert.equal(service?.status, "pass");
  });

  it("planning stops at a resource that cannot be planned: it and every later one are errors", () => {
    const outcomes = judgeChecks(driftChecks("install-engine", resources), facts("debian"));
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.message]),
      [
        ["pass", "/etc/yum.repos.d/docker-ce.repo is up to date"],
        ["pass", "/etc/docker/daemon.json is up to date (registry-mirrors)"],
        ["error", "Debian is not an EL host"],
        ["error", "not planned: preflight cannot be planned on this host"],
      ],
    );
    assert.equal(outcomes[2]?.hint, "use an EL host");
  });

  it("plans once per host, however many checks read the plan", () => {
    let calls = 0;
    const counted: Resource[] = resources.map((r) => ({ ...r, plan: (f) => (calls++, r.plan(f)) }));
    judgeChecks(driftChecks("install-engine", counted), facts("drifted"));
    assert.equal(calls, counted.length);
  });

  it("reads expected and actual from a unified diff too", () => {
    const diff = "--- /etc/motd\tcurrent\n+++ /etc/motd\tdesired\n@@ -1 +1 @@\n-hello\n+managed by ops\n";
    assert.deepEqual(diffSides(diff), { expected: "managed by ops", actual: "hello" });
  });
});

describe("drift evidence of a new file", () => {
  it("shows the first lines of a long diff and says how many were left out", () => {
    const body = Array.from({ length: 30 }, (_, i) => `+line ${i}`).join("\n");
    const [o] = judgeChecks(
      driftChecks("install-engine", [
        {
          id: "template:/etc/yum.repos.d/docker-ce.repo",
          facts: [],
          plan: () =>
            change({
              description: "create /etc/yum.repos.d/docker-ce.repo",
              script: ":",
              diff: `--- /dev/null\n+++ x\n${body}\n`,
            }),
        },
      ]),
      new FactSet(new Map()),
    );
    assert.equal(o?.expected?.split("\n").length, 7);
    assert.match(o?.expected ?? "", /… \(24 more lines\)$/);
    assert.match(o?.evidence.outputTail ?? "", /… \(\d+ more lines\)$/);
  });
});
