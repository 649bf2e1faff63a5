import { strict as assert } from "node:assert";
import { renderSection, spliceSection, BEGIN, END } from "../../bench/report.js";
import { formatBytes, formatMs, formatSummary, judgeTargets, type Results } from "../../bench/results.js";
import { summarize } from "../../bench/stats.js";
import {
  extraLines,
  probeRows,
  renderMarkdown,
  renderText,
  stepRows,
  targetRows,
  timeRows,
} from "../../bench/table.js";

const RESULTS: Results = {
  hosts: 20,
  floor: summarize([400, 420, 410]),
  opsFresh: summarize([20_000]),
  opsNoop: summarize([600, 580, 620]),
  ansibleFresh: summarize([90_000]),
  ansibleNoop: summarize([12_000, 12_500, 11_800]),
  noopCommandsMax: 1,
  opsPeakRss: 95e6,
  probe: {
    hosts: 3,
    facts: 10,
    empty: summarize([25, 30, 28]),
    floor: summarize([190, 200, 210]),
    probe: summarize([280, 300, 320]),
  },
};

describe("bench table and targets", () => {
  it("formats milliseconds, seconds and bytes", () => {
    assert.equal(formatMs(412.4), "412 ms");
    assert.equal(formatMs(12_345), "12.35 s");
    assert.equal(formatBytes(95_040_000), "95.0 MB");
    assert.equal(formatSummary(summarize([1000, 1200, 1500])), "1.20 s (1.00 s – 1.50 s, n=3)");
    assert.equal(formatSummary(undefined), "not measured");
  });

  it("puts ops/Ansible and ops/floor ratios on the ops rows only", () => {
    const rows = timeRows(RESULTS);
    const noop = rows.find((r) => r[0] === "ops no-op");
    assert.deepEqual(noop, ["ops no-op", "600 ms", "580 ms – 620 ms", "3", "0.050", "1.46"]);
    const fresh = rows.find((r) => r[0] === "ops fresh");
    assert.equal(fresh?.[4], "0.22");
    assert.equal(fresh?.[5], "");
    assert.equal(rows.find((r) => r[0] === "Ansible no-op")?.[4], "");
  });

  it("judges every target: pass, miss, not measured", () => {
    const verdicts = (r: Results) => judgeTargets(r).map((t) => t.verdict);
    assert.deepEqual(verdicts(RESULTS), ["pass", "pass", "pass", "pass", "pass", "pass"]);
    const slowProbe = { ...(RESULTS.probe as NonNullable<Results["probe"]>), probe: summarize([650]) };
    const slow: Results = {
      ...RESULTS,
      opsNoop: summarize([1500]),
      noopCommandsMax: 2,
      opsPeakRss: 250e6,
      probe: slowProbe,
    };
    assert.deepEqual(verdicts(slow), ["miss", "miss", "pass", "miss", "miss", "miss"]);
    assert.deepEqual(verdicts({ hosts: 2 }), Array(6).fill("not measured"));
    assert.equal(targetRows(RESULTS)[0]?.[2], "20.0× faster");
  });

  it("a mixed el9 + debian12 run is judged against issue 18's 1.1× of the floor, and says its mix", () => {
    const mixed = (noop: number): Results => ({ ...RESULTS, debian12: 10, opsNoop: summarize([noop]) });
    const target = (r: Results) => judgeTargets(r).find((t) => t.name.startsWith("mixed"));
    assert.equal(target(RESULTS), undefined, "an el9-only run has no mixed target");
    assert.deepEqual(target(mixed(450)), {
      name: "mixed el9 + debian12 no-op vs floor",
      goal: "≤ 1.1× the floor",
      measured: "1.10× the floor",
      verdict: "pass",
    });
    assert.equal(target(mixed(460))?.verdict, "miss");
    assert.equal(extraLines(mixed(450))[0], "hosts: 20 (10 el9, 10 debian12)");
    assert.equal(extraLines(RESULTS)[0], "hosts: 20");
  });

  it("lists the slowest fresh steps first, at most `top` of them", () => {
    const freshSteps = [
      { name: "packages", ms: summarize([60_000, 70_000]) },
      { name: "daemon.json", ms: summarize([40]) },
    ];
    assert.deepEqual(stepRows({ hosts: 20, freshSteps }, 1), [
      ["packages", "65.00 s", "60.00 s – 70.00 s", "2"],
    ]);
    assert.deepEqual(stepRows({ hosts: 20 }), []);
  });

  it("reports the probe's cost per host beside an empty command and the floor's probe", () => {
    assert.deepEqual(probeRows(RESULTS), [
      ["empty command", "28 ms", "25 ms – 30 ms", "3"],
      ["floor probe (test/bench/floor.ts)", "200 ms", "190 ms – 210 ms", "3"],
      ["ops install-engine probe (10 facts)", "300 ms", "280 ms – 320 ms", "3"],
    ]);
    assert.deepEqual(probeRows({ hosts: 2 }), []);
    assert.ok(
      extraLines(RESULTS).includes("ops probe per host (alone, over an open connection, 3 host(s)): 300 ms"),
    );
    assert.equal(targetRows(RESULTS)[4]?.[2], "300 ms");
  });

  it("renders aligned text and escaped Markdown", () => {
    const text = renderText(["a", "bb"], [["xxx", "y"]]);
    assert.equal(text, "a    bb\n---  --\nxxx  y");
    assert.equal(renderMarkdown(["h"], [["a|b"]]), "| h |\n| --- |\n| a\\|b |");
  });

  it("replaces only the generated section of the report, keeping hand-written notes", () => {
    const machine = {
      cpus: "2",
      memory: "24 GiB",
      kernel: "Linux 6",
      node: "v20",
      ansible: "ansible",
      openssh: "ssh",
      date: "d",
      load: "0.1 0.2 0.3",
    };
    const section = renderSection(RESULTS, machine, "npm run bench");
    const doc = `# B\n\nintro\n\n${BEGIN}\nold figures\n${END}\n\n## Analysis\nkept\n`;
    const out = spliceSection(doc, section);
    assert.match(out, /intro/);
    assert.match(out, /## Analysis\nkept/);
    assert.doesNotMatch(out, /old figures/);
    assert.match(out, /\| ops no-op \| 600 ms/);
    assert.match(out, /### What the one round trip costs a host\n\n\| one round trip/);
    assert.match(out, /\| ops install-engine probe \(10 facts\) \| 300 ms/);
    assert.equal(spliceSection("# B\n", section), `# B\n\n${section}\n`);
  });
});
