/** Small compliance runs for history tests: hosts with checks in given states, at given times. */
import type { EffectiveStatus } from "../../../../src/compliance/apply-waivers.js";
import type { CheckRecord, ComplianceRun } from "../../../../src/compliance/run-record.js";

export function checkRecord(id: string, status: EffectiveStatus): CheckRecord {
  const verdict = status === "waived" ? "fail" : status;
  return {
    id,
    title: `title of ${id}`,
    status,
    verdict,
    severity: "medium",
    cis: "2.2",
    level: "1",
    message: `${id} is ${status}`,
    evidence: { command: "docker info", outputTail: "it's <b>&'quoted'</b>", source: "docker info" },
    ...(status === "fail" ? { expected: "on", actual: "off", hint: "turn it on" } : {}),
  };
}

/**
 * @example run("r1", "2026-05-01T02:00:00Z", { "el9-1": { "cis.2.2": "pass" } })
 */
export function run(
  id: string,
  at: string,
  hosts: Record<string, Record<string, EffectiveStatus>>,
  inventory = "/srv/ops/hosts.yaml",
  over: Partial<Pick<ComplianceRun, "targets" | "checkSet" | "policyDigest">> = {},
): ComplianceRun {
  return {
    id,
    startedAt: at,
    finishedAt: at.replace(/:00Z$/, ":09Z"),
    inventory,
    targets: "all",
    policy: ["/opt/ops/policies/default.yaml"],
    policyDigest: "0123456789abcdef",
    checkSet: "fedcba9876543210",
    ...over,
    exitCode: Object.values(hosts).some((c) => Object.values(c).some((s) => s === "fail")) ? 3 : 0,
    hosts: Object.entries(hosts).map(([host, checks]) => ({
      host,
      status: "ok",
      ms: 812,
      commands: 1,
      checks: Object.entries(checks).map(([cid, s]) => checkRecord(cid, s)),
    })),
  };
}
