/** The check model: gates from `needs`, the cleanups a batch carries, and judging from facts. */
import { strict as assert } from "node:assert";
import { cleanupOf, gatesOf } from "../../../src/checks/batch.js";
import { verdict, type Check } from "../../../src/checks/check.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import { FactSet, type Fact } from "../../../src/facts/fact.js";
import { FactError } from "../../../src/errors.js";

const fact = (name: string): Fact<string> => ({ name, probe: "true", parse: (s) => s });
const check = (id: string, facts: Fact<string>[], extra: Partial<Check> = {}): Check => ({
  id,
  title: id,
  facts,
  judge: (set) =>
    verdict(set.get(facts[0] as Fact<string>) === "good" ? "pass" : "fail", id, { command: id, output: "" }),
  ...extra,
});

describe("checks: gates and cleanups", () => {
  it("gates a check's facts on the facts of the checks it needs", () => {
    const [pull, run] = [fact("pull"), fact("run")];
    const gates = gatesOf([
      check("image.pull", [pull]),
      check("network.bridge", [run], { needs: ["image.pull"] }),
    ]);
    assert.deepEqual([...gates], [["run", ["pull"]]]);
  });

  it("a fact shared with an ungated check always runs", () => {
    const [info, pull] = [fact("info"), fact("pull")];
    const gates = gatesOf([
      check("image.pull", [pull]),
      check("a", [info], { needs: ["image.pull"] }),
      check("b", [info]),
    ]);
    assert.equal(gates.has("info"), false);
  });

  it("refuses a check that needs one not listed before it", () => {
    assert.throws(
      () => gatesOf([check("b", [fact("b")], { needs: ["a"] }), check("a", [fact("a")])]),
      /needs a/,
    );
  });

  it("carries each distinct cleanup once, and none for read-only checks", () => {
    assert.equal(cleanupOf([check("a", [fact("a")])]), undefined);
    const c = cleanupOf([
      check("a", [fact("a")], { cleanup: "rm x" }),
      check("b", [fact("b")], { cleanup: "rm x" }),
      check("c", [fact("c")], { cleanup: "rm y" }),
    ]);
    assert.equal(c, "rm x\nrm y");
  });
});

describe("judgeChecks", () => {
  it("judges from the facts; a skipped need is an error naming it; a missing section is never a pass", () => {
    const [pull, run, gone] = [fact("pull"), fact("run"), fact("gone")];
    const set = new FactSet(
      new Map([["pull", "bad"]]),
      new Set(["run"]),
      new Map([["gone", new FactError("gone", "the probe printed no section for gone")]]),
    );
    const out = judgeChecks(
      [
        check("image.pull", [pull]),
        check("network.bridge", [run], { needs: ["image.pull"], command: "docker run" }),
        check("late", [gone]),
      ],
      set,
    );
    assert.deepEqual(
      out.map((o) => [o.id, o.status, o.message]),
      [
        ["image.pull", "fail", "image.pull"],
        ["network.bridge", "error", "not run: image.pull did not pass"],
        ["late", "error", "the check did not finish (the batch stopped before it)"],
      ],
    );
    assert.equal(out[1]?.evidence.command, "docker run");
  });

  it("a judge that throws is an error of that check only", () => {
    const ok = fact("ok");
    const boom: Check = {
      id: "boom",
      title: "boom",
      facts: [ok],
      judge: () => {
        throw new Error("parser bug");
      },
    };
    const out = judgeChecks([boom, check("fine", [ok])], new FactSet(new Map([["ok", "good"]])));
    assert.equal(out[0]?.status, "error");
    assert.match(out[0]?.message ?? "", /parser bug/);
    assert.equal(out[1]?.status, "pass");
  });
});
