/**
 * Fault fixtures for every fact every compliance check reads, through the real probe text (the
 * batch's frames and exit status): a command that is missing, exits 1, times out, prints garbage,
 * is denied, or is cut off. Each must make every check that reads the fact an `error` that names the
 * command and shows its output: never a pass, never "not applicable". New checks and facts are
 * covered as soon as they are in the catalog.
 */
import { strict as assert } from "node:assert";
import { judgeChecks } from "../../../src/checks/judge.js";
import { catalog } from "../../../src/compliance/checks/catalog.js";
import { DEFAULT_PARAMS } from "../../../src/compliance/params.js";
import { factSetFor, hostProbes, type ProbeValue } from "./support/fixture-host.js";

const FAULTS: Record<string, ProbeValue> = {
  "command missing": { stdout: "sh: 1: docker: not found\n", exit: 127 },
  "exit 1": { stdout: "Error response from daemon: something went wrong\n", exit: 1 },
  timeout: { stdout: "", exit: 124 },
  garbage: { stdout: "\u0000\u001b[2J}{ garbage\nmore garbage\n", exit: 0 },
  "permission denied": {
    stdout: "stat: cannot statx '/etc/docker/daemon.json': Permission denied\n",
    exit: 1,
  },
  "partial output": { stdout: 'present /usr/bin/dockerd\n{"id":', cut: true },
};

describe("compliance facts that could not be read", () => {
  const checks = catalog(DEFAULT_PARAMS);
  const base = hostProbes("lab-hardened");
  const facts = [...new Map(checks.flatMap((c) => c.facts).map((f) => [f.name, f])).values()];

  it("the recorded host passes or is not applicable on every check (the baseline the faults break)", () => {
    for (const check of checks) {
      const [o] = judgeChecks([check], factSetFor(check.facts, base));
      assert.notEqual(o?.status, "error", `${check.id}: ${o?.message}`);
    }
  });

  for (const fact of facts) {
    describe(fact.name, () => {
      const readers = checks.filter((c) => c.facts.some((f) => f.name === fact.name));
      for (const [fault, value] of Object.entries(FAULTS)) {
        it(`${fault}: every check reading it is an error with the command and the output`, () => {
          assert.ok(readers.length > 0);
          for (const check of readers) {
            const probes = { ...base, [fact.name]: value };
            const [o] = judgeChecks([check], factSetFor(check.facts, probes));
            assert.ok(o);
            assert.equal(o.status, "error", `${check.id} on ${fault}: ${o.status} ${o.message}`);
            assert.ok(o.evidence.command.length > 0, `${check.id}: names a command`);
            const printed = typeof value === "object" && "stdout" in value ? value.stdout.trim() : "";
            if (printed !== "")
              assert.ok(
                o.evidence.outputTail.includes(printed.split("\n")[0]?.slice(0, 20) ?? ""),
                `${check.id} on ${fault}: the output is in the evidence: ${JSON.stringify(o.evidence)}`,
              );
          }
        });
      }
    });
  }
});
