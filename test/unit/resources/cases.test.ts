/**
 * The one harness for resource fixtures: test/fixtures/resources/<resource>/*.json, each
 * `{ "args": {...}, "facts": { "<fact name>": value }, "expected": ... }` where expected is
 * `{ "noop": "reason" }`, `{ "fail": "substring", "hint"?: "exact hint" }`, `{ "throws": "substring" }` or
 * `{ "steps": [{ "description", "script" | "scriptIncludes", "stdin"?, "notify"?, "diffIncludes"? }] }`.
 * Buffers in JSON are `{ "base64": ... }` or `{ "file": "name" }` (relative to the folder).
 * Only the facts a resource declares are given to its plan, and every step's script must parse in sh.
 */
import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { FactSet } from "../../../src/facts/fact.js";
import type { Step } from "../../../src/resources/resource.js";
import { fromPlain, readCases } from "../facts/support/plain.js";
import { assertParses } from "../facts/support/shell.js";
import { RESOURCES } from "./registry.js";

interface StepCase {
  description: string;
  script?: string | string[];
  scriptIncludes?: string[];
  stdin?: unknown;
  notify?: string[];
  diffIncludes?: string[];
}
interface ResourceCase {
  args: Record<string, unknown>;
  facts: Record<string, unknown>;
  expected: { noop?: string; fail?: string; hint?: string; throws?: string; steps?: StepCase[] };
}

const root = fileURLToPath(new URL("../../fixtures/resources/", import.meta.url));
function bytes(v: unknown, dir: string): Buffer {
  if (typeof v === "string") return Buffer.from(v, "utf8");
  const b = fromPlain(v, dir);
  assert.ok(Buffer.isBuffer(b), "stdin in a fixture is a string, { base64 } or { file }");
  return b;
}

function checkStep(actual: Step, want: StepCase, dir: string): void {
  assert.equal(actual.description, want.description);
  if (want.script !== undefined) {
    assert.equal(actual.script, Array.isArray(want.script) ? want.script.join("\n") : want.script);
  }
  for (const s of want.scriptIncludes ?? [])
    assert.ok(actual.script.includes(s), `script lacks ${JSON.stringify(s)}:\n${actual.script}`);
  if (want.stdin !== undefined) {
    assert.ok(actual.stdin !== undefined, "the step has no stdin");
    assert.equal(Buffer.from(actual.stdin).toString("base64"), bytes(want.stdin, dir).toString("base64"));
  }
  assert.deepEqual(actual.notify ?? [], want.notify ?? []);
  for (const s of want.diffIncludes ?? [])
    assert.ok(actual.diff?.includes(s), `diff lacks ${JSON.stringify(s)}:\n${actual.diff}`);
  assertParses(actual.script);
}

describe("resource fixtures", () => {
  for (const folder of readdirSync(root).sort()) {
    const make = RESOURCES[folder];
    const dir = `${root}${folder}`;
    describe(folder, () => {
      it("is a known resource", () => assert.ok(make, `no resource registered for fixture folder ${folder}`));
      if (!make) return;
      for (const [name, raw] of readCases(dir, readdirSync(dir))) {
        const c = raw as ResourceCase;
        it(name, () => {
          const resource = make(fromPlain(c.args, dir) as Record<string, unknown>);
          const values = new Map<string, unknown>();
          for (const f of resource.facts) {
            assert.ok(f.name in c.facts, `fixture lacks fact "${f.name}"`);
            values.set(f.name, fromPlain(c.facts[f.name], dir));
          }
          const facts = new FactSet(values);
          if (c.expected.throws !== undefined) {
            assert.throws(
              () => resource.plan(facts),
              (e: unknown) => e instanceof Error && e.message.includes(c.expected.throws ?? ""),
            );
            return;
          }
          const out = resource.plan(facts);
          if (c.expected.noop !== undefined)
            return assert.deepEqual(out, { kind: "noop", reason: c.expected.noop });
          if (c.expected.fail !== undefined) {
            assert.equal(out.kind, "fail", JSON.stringify(out));
            if (out.kind === "fail") {
              assert.ok(out.message.includes(c.expected.fail), out.message);
              if (c.expected.hint !== undefined) assert.equal(out.hint, c.expected.hint);
            }
            return;
          }
          assert.equal(out.kind, "change", JSON.stringify(out));
          if (out.kind !== "change") return;
          const want = c.expected.steps ?? [];
          assert.equal(out.steps.length, want.length, out.steps.map((s) => s.description).join(" | "));
          out.steps.forEach((s, i) => checkStep(s, want[i] as StepCase, dir));
        });
      }
    });
  }
});
