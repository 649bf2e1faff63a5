import assert from "node:assert/strict";
import { FactSet, type Fact } from "../../../src/facts/fact.js";
import { factsOf, planHost } from "../../../src/plan/plan-host.js";
import { change, fail, noop, type Resource } from "../../../src/resources/resource.js";

const fact = (name: string): Fact<string> => ({ name, probe: `echo ${name}`, parse: (s) => s.trim() });
const a = fact("a");
const b = fact("b");
const res = (id: string, facts: Fact<unknown>[], plan: Resource["plan"]): Resource => ({ id, facts, plan });

describe("planHost", () => {
  const facts = new FactSet(
    new Map([
      ["a", "1"],
      ["b", "2"],
    ]),
  );

  it("collects each fact once, extra facts first", () => {
    const rs = [res("r1", [a, b], () => noop("x")), res("r2", [b], () => noop("y"))];
    assert.deepEqual(
      factsOf(rs, [b]).map((f) => f.name),
      ["b", "a"],
    );
  });

  it("keeps outcomes in order and counts steps", () => {
    const rs = [
      res("r1", [a], (f) => noop(`a is ${f.get(a)}`)),
      res("r2", [b], () =>
        change({ description: "one", script: "true" }, { description: "two", script: "true" }),
      ),
    ];
    const plan = planHost(rs, facts);
    assert.equal(plan.stepCount, 2);
    assert.deepEqual(
      plan.resources.map((r) => r.id),
      ["r1", "r2"],
    );
    assert.deepEqual(plan.resources[0]?.outcome, { kind: "noop", reason: "a is 1" });
    assert.equal(plan.failure, undefined);
  });

  it("stops at the first failure and names the resource", () => {
    const rs = [
      res("pre", [], () => fail("kernel too old", "upgrade")),
      res("after", [], () => change({ description: "never", script: "true" })),
    ];
    const plan = planHost(rs, facts);
    assert.deepEqual(plan.failure, { resource: "pre", message: "kernel too old", hint: "upgrade" });
    assert.equal(plan.resources.length, 0);
  });

  it("turns a throwing planner into a failure instead of crashing the run", () => {
    const rs = [
      res("bad", [], () => {
        throw new Error("boom");
      }),
    ];
    assert.deepEqual(planHost(rs, facts).failure, { resource: "bad", message: "boom" });
  });
});
