import { strict as assert } from "node:assert";
import { diffSides, driftOutcomes } from "../../../src/checks/drift.js";
import { exitCodeFor } from "../../../src/cli/exit-codes.js";
import { hostResult } from "../support/host-result.js";
import type { HostResult } from "../../../src/events.js";

describe("drift as checks", () => {
  it("a resource in place passes; a planned change fails with its steps and diff as evidence", () => {
    const out = driftOutcomes({
      resources: [
        { id: "service:docker", outcome: { kind: "noop", reason: "docker is active and enabled" } },
        {
          id: "daemon-json:/etc/docker/daemon.json",
          outcome: {
            kind: "change",
            steps: [
              {
                description: "update /etc/docker/daemon.json (registry-mirrors)",
                script: "x",
                diff: "- a\n+ b",
              },
            ],
          },
        },
      ],
      stepCount: 1,
    });
    assert.deepEqual(
      out.map((o) => [o.id, o.status]),
      [
        ["drift.service:docker", "pass"],
        ["drift.daemon-json:/etc/docker/daemon.json", "fail"],
      ],
    );
    assert.match(out[1]?.message ?? "", /would update \/etc\/docker\/daemon\.json \(registry-mirrors\)/);
    assert.equal(out[1]?.evidence.outputTail, "- a\n+ b");
  });

  it("compliance exits 3 for a failed check, 0 when it is waived, 2 when a host could not be checked", () => {
    const host = (over: Partial<HostResult>): HostResult => hostResult({ host: "a", ...over });
    const failed = {
      id: "cis.2.2",
      title: "t",
      status: "fail" as const,
      message: "m",
      evidence: { command: "c", outputTail: "" },
    };
    const code = (hosts: HostResult[]) =>
      exitCodeFor({ command: "check", hosts, check: true, interrupted: false });
    assert.equal(code([host({ checks: [failed] })]), 3);
    assert.equal(code([host({ checks: [{ ...failed, waived: { justification: "legacy app" } }] })]), 0);
    assert.equal(code([host({ checks: [failed] }), host({ host: "b", status: "unreachable" })]), 2);
    assert.equal(code([host({})]), 0);
    // A host whose drift (a changed plan, reported as drift.* checks) is all waived fails nothing.
    const drift = {
      ...failed,
      id: "drift.daemon-json:/etc/docker/daemon.json",
      waived: { justification: "migration" },
    };
    assert.equal(code([host({ status: "changed", checks: [drift] })]), 0);
  });
});

describe("drift evidence: expected beside actual", () => {
  const change = (diff: string) =>
    driftOutcomes({
      resources: [
        {
          id: "daemon-json:/etc/docker/daemon.json",
          outcome: {
            kind: "change",
            steps: [{ description: "update /etc/docker/daemon.json", script: "x", diff }],
          },
        },
      ],
      stepCount: 1,
    })[0];

  it("reads the two sides of a daemon.json key diff", () => {
    const o = change('~ registry-mirrors: [] -> ["http://172.28.213.4:5000"]\n+ live-restore: true\n');
    assert.equal(o?.expected, 'registry-mirrors: ["http://172.28.213.4:5000"]\nlive-restore: true');
    assert.equal(o?.actual, "registry-mirrors: []");
  });

  it("reads the two sides of a unified diff, and keeps a new file's evidence short", () => {
    assert.deepEqual(
      diffSides("--- /etc/motd\tcurrent\n+++ /etc/motd\tdesired\n@@ -1 +1 @@\n-hello\n+managed by ops\n"),
      {
        expected: "managed by ops",
        actual: "hello",
      },
    );
    const body = Array.from({ length: 30 }, (_, i) => `+line ${i}`).join("\n");
    const o = change(`--- /dev/null\n+++ x\n${body}\n`);
    assert.equal(o?.expected?.split("\n").length, 7);
    assert.match(o?.expected ?? "", /… \(24 more lines\)$/);
    assert.match(o?.evidence.outputTail ?? "", /… \(\d+ more lines\)$/);
  });
});
