import { strict as assert } from "node:assert";
import { htmlReport } from "../../../../src/compliance/report/html.js";
import { labelValue, prometheusText } from "../../../../src/compliance/report/prometheus.js";
import { analyzeHistory } from "../../../../src/compliance/history/analysis.js";
import { run } from "../support/runs.js";

const latest = run("d2", "2026-05-02T02:00:00Z", {
  'el9-"1"': { "cis.2.2": "fail", "cis.2.15": "pass", "cis.1.1.3": "not-applicable" },
  "el9-2": { "cis.2.2": "waived", "cis.2.15": "error", "cis.1.1.3": "not-applicable" },
});
latest.hosts.push({
  host: "el9-3",
  status: "unreachable",
  error: "connect ECONNREFUSED <script>",
  ms: 10,
  commands: 0,
  checks: [],
});
const earlier = run("d1", "2026-05-01T02:00:00Z", { 'el9-"1"': { "cis.2.2": "pass" } });

describe("compliance reports", () => {
  describe("Prometheus textfile", () => {
    const text = prometheusText(latest);
    const series = (host: string, check: string, status: string) =>
      new RegExp(
        `^ops_check_status\\{inventory="/srv/ops/hosts.yaml",host="${host}",check="${check}",cis="2.2",level="1",severity="medium",status="${status}"\\} (\\d)$`,
        "m",
      ).exec(text)?.[1];
    it("one ops_check_status series per host, check and status: 1 on the check's own status only", () => {
      assert.equal(series('el9-\\\\"1\\\\"', "cis.2.2", "fail"), "1");
      assert.equal(series('el9-\\\\"1\\\\"', "cis.2.2", "pass"), "0");
      assert.equal(series("el9-2", "cis.2.2", "waived"), "1");
      assert.equal(series("el9-2", "cis.2.15", "error"), "1");
      assert.equal(series("el9-2", "cis.2.15", "pass"), "0", "an error is never counted passing");
      assert.equal(series("el9-2", "cis.1.1.3", "not-applicable"), "1");
      assert.equal(series("el9-2", "cis.1.1.3", "pass"), "0", "not applicable is never counted passing");
    });
    it("the last run's time, counts by status, hosts not checked", () => {
      const inv = 'inventory="/srv/ops/hosts.yaml"';
      assert.ok(text.includes(`\nops_check_last_run_timestamp_seconds{${inv}} 1777687209\n`));
      assert.ok(text.includes(`\nops_check_results{${inv},status="fail"} 1\n`));
      assert.ok(text.includes(`\nops_check_results{${inv},status="waived"} 1\n`));
      assert.ok(text.includes(`\nops_check_host_checked{${inv},host="el9-3"} 0\n`));
      assert.ok(text.includes(`\nops_check_waived{${inv},host="el9-2",check="cis.2.2",expires=""} 1\n`));
    });
    it("run-level series carry the schedule's name when given, so textfiles coexist", () => {
      const named = prometheusText(latest, "nightly");
      assert.ok(named.includes('\nops_check_last_run_exit_code{inventory="nightly"} '));
      assert.doesNotMatch(named, /^ops_check_\w+ /m, "no series without the label");
    });
    it("waiver expiry is a value: the end of the waiver's last day in UTC", () => {
      const waived = run("w", "2026-05-02T02:00:00Z", { "el9-1": { "cis.2.2": "waived" } });
      const check = waived.hosts[0]?.checks[0];
      if (check)
        check.waiver = { state: "active", justification: "j", expires: "2026-06-30", origin: "w.yaml:2" };
      assert.match(
        prometheusText(waived),
        /^ops_check_waiver_expiry_timestamp_seconds\{inventory="[^"]+",host="el9-1",check="cis.2.2"\} 1782864000$/m,
      );
    });
    it("every line is a comment or a well-formed sample", () => {
      for (const line of text.trimEnd().split("\n"))
        assert.match(
          line,
          /^(# (HELP|TYPE) \w+ .+|\w+(\{(\w+="([^"\\\n]|\\.)*",?)*\})? -?\d+(\.\d+)?)$/,
          line,
        );
    });
    it("escapes label values", () => assert.equal(labelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd'));
  });

  describe("HTML page", () => {
    const html = htmlReport(latest, analyzeHistory([latest, earlier]).trend);
    it("loads nothing: no script, no external URL, a CSP that forbids it", () => {
      assert.doesNotMatch(html, /<script|<link|<img|@import|url\(/i);
      assert.doesNotMatch(
        html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, ""),
        /(src|href)="(https?:)?\/\//i,
      );
      assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    });
    it("escapes everything from hosts", () => {
      assert.doesNotMatch(html, /<b>&'quoted'/);
      assert.match(html, /it&#39;s &lt;b&gt;&amp;&#39;quoted&#39;&lt;\/b&gt;/);
      assert.match(html, /ECONNREFUSED &lt;script&gt;/);
      assert.match(html, /el9-&quot;1&quot;/);
    });
    it("failures first: the failing check's row comes before the passing one, findings before passes", () => {
      assert.ok(html.indexOf('class="id">cis.2.2') < html.indexOf('class="id">cis.1.1.3'));
      const findings = html.indexOf("<h2>Findings");
      const passes = html.indexOf("<h2>Passing");
      const icc = html.indexOf("cis.2.2 · medium — cis.2.2 is fail");
      assert.ok(findings < icc && icc < passes, "the failure's evidence is under Findings");
    });
    it("evidence, expected, actual and the hint on expand, and the trend from history", () => {
      assert.match(html, /<details id="f0"><summary><span class="badge fail">failed<\/span>/);
      assert.match(html, /<dt>expected<\/dt><dd>on<\/dd><dt>actual<\/dt><dd>off<\/dd>/);
      assert.match(html, /<dt>hint<\/dt><dd>turn it on<\/dd>/);
      assert.equal((html.match(/<rect /g) ?? []).length, 2, "a bar per run kept");
    });
  });
});
