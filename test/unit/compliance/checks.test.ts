/**
 * The one harness for compliance check fixtures: test/fixtures/compliance/checks/<check id>/*.json,
 * each `{ "host": "<recorded host>", "probes"?: {fact: raw}, "params"?: {...}, "expected": {...} }`.
 * Raw probe output in, verdict out. `expected.status` must match exactly; its other fields are
 * substrings of the verdict's.
 */
import { strict as assert } from "node:assert";
import { existsSync, readdirSync } from "node:fs";
import type { CheckOutcome } from "../../../src/checks/check.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import { catalog, CATALOG } from "../../../src/compliance/checks/catalog.js";
import { parseOctal } from "../../../src/compliance/mode-bits.js";
import { DEFAULT_PARAMS, type CheckParams } from "../../../src/compliance/params.js";
import { readCases } from "../facts/support/plain.js";
import { factSetFor, FIXTURES, hostProbes, withProbes, type ProbeValue } from "./support/fixture-host.js";

interface CheckCase {
  host: string;
  probes?: Record<string, ProbeValue>;
  params?: Partial<Record<keyof CheckParams, unknown>>;
  expected: Partial<Record<"status" | "message" | "source" | "expected" | "actual", string>> & {
    /** How many lines the evidence's output has: host data never adds one. */
    outputLines?: number;
  };
}

function paramsOf(c: CheckCase): CheckParams {
  const p = { ...DEFAULT_PARAMS, ...(c.params ?? {}) } as Record<string, unknown>;
  if (typeof p.certsMaxMode === "string") p.certsMaxMode = parseOctal(p.certsMaxMode);
  return p as unknown as CheckParams;
}

/** Through the engine's judging (parse errors and failed probes included), as a host's run does. */
function judgeCase(id: string, c: CheckCase): CheckOutcome {
  const check = catalog(paramsOf(c)).find((k) => k.id === id);
  assert.ok(check, `no check ${id}`);
  const probes = withProbes(hostProbes(c.host), c.probes);
  const [outcome] = judgeChecks([check], factSetFor(check.facts, probes));
  assert.ok(outcome);
  return outcome;
}

const dir = `${FIXTURES}checks/`;

describe("compliance check fixtures", () => {
  for (const id of readdirSync(dir).sort()) {
    describe(id, () => {
      for (const [name, raw] of readCases(`${dir}${id}`, readdirSync(`${dir}${id}`))) {
        const c = raw as CheckCase;
        it(name, () => {
          const result = judgeCase(id, c);
          const { status, outputLines, ...texts } = c.expected;
          if (outputLines !== undefined)
            assert.equal(
              result.evidence.outputTail.split("\n").length,
              outputLines,
              result.evidence.outputTail,
            );
          assert.equal(result.status, status, `${result.status}: ${result.message}`);
          const got: Record<string, string | undefined> = {
            message: result.message,
            source: result.evidence.source,
            expected: result.expected,
            actual: result.actual,
          };
          for (const [field, want] of Object.entries(texts))
            assert.ok(
              got[field]?.includes(want ?? ""),
              `${field}: "${got[field]}" does not contain "${want}"`,
            );
          // Every verdict says what was read; every finding says what to do about it.
          assert.ok(result.evidence.command.length > 0, "evidence names a command");
          if (result.status === "fail" || result.status === "error")
            assert.ok(result.hint, "a failure or error carries a remediation hint");
          if (result.status === "fail") {
            assert.ok(result.evidence.source, "a failure names the source it read");
            assert.ok(result.expected && result.actual, "a failure shows expected beside actual");
          }
        });
      }
    });
  }

  it("every check has a passing and a failing fixture", () => {
    const missing = CATALOG.flatMap(({ id }) => {
      if (!existsSync(`${dir}${id}`)) return [`${id}: no fixtures`];
      const statuses = new Set(
        readCases(`${dir}${id}`, readdirSync(`${dir}${id}`)).map(([, c]) => (c as CheckCase).expected.status),
      );
      return ["pass", "fail"].filter((s) => !statuses.has(s)).map((s) => `${id}: no ${s} case`);
    });
    assert.deepEqual(missing, []);
  });

  it("fixture folders name only known checks", () => {
    const known = new Set(CATALOG.map((c) => c.id));
    assert.deepEqual(
      readdirSync(dir).filter((d) => !known.has(d)),
      [],
    );
  });
});
