import { strict as assert } from "node:assert";
import { analyzeHistory, diffRuns } from "../../../../src/compliance/history/analysis.js";
import { capField, EVIDENCE_FIELD_MAX } from "../../../../src/compliance/run-record.js";
import { run } from "../support/runs.js";

// Four nightly runs, newest first as the store lists them.
const runs = [
  run("d4", "2026-05-04T02:00:00Z", {
    "el9-1": { icc: "pass", live: "fail", sock: "fail", group: "waived" },
    "el9-2": { icc: "pass", live: "pass", sock: "pass", group: "pass" },
  }),
  run("d3", "2026-05-03T02:00:00Z", {
    "el9-1": { icc: "pass", live: "pass", sock: "fail", group: "fail" },
    "el9-2": { icc: "error", live: "pass", sock: "pass", group: "pass" },
  }),
  run("d2", "2026-05-02T02:00:00Z", {
    "el9-1": { icc: "fail", live: "pass", sock: "fail", group: "fail" },
    "el9-2": { icc: "fail", live: "pass", sock: "pass", group: "pass" },
  }),
  run("d1", "2026-05-01T02:00:00Z", {
    "el9-1": { icc: "fail", live: "pass", sock: "pass", group: "fail" },
    "el9-2": { icc: "pass", live: "pass", sock: "pass", group: "pass" },
  }),
];

const find = (host: string, check: string) =>
  analyzeHistory(runs).items.find((i) => i.host === host && i.check === check);

describe("compliance history analysis", () => {
  it("a host is compared with its own runs of the same check set: a --limit run or another check set does not count", () => {
    const at = (d: number) => `2026-06-0${d}T02:00:00Z`;
    const history = [
      run("h4", at(4), { a: { x: "fail" }, b: { x: "fail" } }),
      run("h3", at(3), { a: { x: "pass" } }, undefined, { targets: "a" }),
      run("h2", at(2), { b: { x: "pass" } }, undefined, { checkSet: "another-set" }),
      run("h1", at(1), { a: { x: "fail" }, b: { x: "fail" } }),
    ];
    const report = analyzeHistory(history);
    const item = (host: string) => report.items.find((i) => i.host === host && i.check === "x");
    assert.equal(item("a")?.change, "newly-failing", "a passed in h3, its own previous run");
    assert.equal(item("b")?.change, "still-failing", "h3 is not b's run, h2 another check set");
    assert.equal(item("b")?.sinceRun, "h1");
  });

  it("evidence is capped per field: a huge output cannot bloat history", () => {
    const long = "x".repeat(10_000);
    const capped = capField(long);
    assert.ok(capped.length < EVIDENCE_FIELD_MAX + 60);
    assert.match(capped, /… \(5904 more characters not kept\)$/);
    assert.equal(capField("short"), "short");
  });

  it("newly failing: failing now, not in the run before", () => {
    assert.deepEqual(
      [find("el9-1", "live")?.change, find("el9-1", "live")?.since],
      ["newly-failing", "2026-05-04T02:00:00Z"],
    );
  });

  it("still failing, since the first run of the streak", () => {
    assert.deepEqual(
      [find("el9-1", "sock")?.change, find("el9-1", "sock")?.sinceRun],
      ["still-failing", "d2"],
    );
  });

  it("fixed since the first run that passed after failing (errors count as failing)", () => {
    assert.deepEqual(
      [find("el9-1", "icc")?.change, find("el9-1", "icc")?.since],
      ["fixed", "2026-05-03T02:00:00Z"],
    );
    assert.deepEqual([find("el9-2", "icc")?.change, find("el9-2", "icc")?.sinceRun], ["fixed", "d4"]);
  });

  it("a waiver is not a failure: a waived check that failed before counts as fixed", () => {
    assert.equal(find("el9-1", "group")?.change, "fixed");
    assert.equal(find("el9-1", "group")?.status, "waived");
  });

  it("passing all along", () => {
    assert.deepEqual([find("el9-2", "live")?.change, find("el9-2", "live")?.sinceRun], ["passing", "d1"]);
  });

  it("the trend counts each run, oldest first", () => {
    const trend = analyzeHistory(runs).trend.map((t) => [
      t.run,
      t.counts.fail,
      t.counts.error,
      t.counts.waived,
    ]);
    assert.deepEqual(trend, [
      ["d1", 2, 0, 0],
      ["d2", 4, 0, 0],
      ["d3", 2, 1, 0],
      ["d4", 2, 0, 1],
    ]);
  });

  it("no runs, no findings", () => {
    assert.deepEqual(analyzeHistory([]), { items: [], trend: [] });
  });

  it("diff of two runs: newly failing, fixed, still failing, hosts that came and went", () => {
    const d = diffRuns(runs[1]!, runs[0]!);
    const ids = (items: { host: string; check: string }[]) => items.map((i) => `${i.host}/${i.check}`);
    assert.deepEqual(ids(d.newlyFailing), ["el9-1/live"]);
    assert.deepEqual(ids(d.fixed), ["el9-1/group", "el9-2/icc"]);
    assert.deepEqual(ids(d.stillFailing), ["el9-1/sock"]);
    assert.deepEqual(d.newlyFailing[0]?.before, "pass");
    const grown = diffRuns(run("a", "2026-05-01T00:00:00Z", { x: { c: "pass" } }), runs[0]!);
    assert.deepEqual([grown.hostsAdded, grown.hostsRemoved], [["el9-1", "el9-2"], ["x"]]);
    assert.deepEqual(
      ids(grown.newlyFailing),
      ["el9-1/live", "el9-1/sock"],
      "a check new to the host that fails is newly failing",
    );
  });
});
