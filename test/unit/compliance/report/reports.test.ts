import { strict as assert } from "node:assert";
import { htmlReport } from "../../../../src/compliance/report/html.js";
import { labelValue, prometheusText } from "../../../../src/compliance/report/prometheus.js";
import { analyzeHistory } from "../../../../src/compliance/history/analysis.js";
import { run } from "../support/runs.js";

const latest = run("d2", "2026-05-02T02:00:00Z", {
  'el9-"1"': { "cis.daemon.icc": "fail", "cis.daemon.live-restore": "pass", "cis.host.audit-rules": "n/a" },
  "el9-2": { "cis.daemon.icc": "waived", "cis.daemon.live-restore": "error", "cis.host.audit-rules": "n/a" },
});
latest.hosts.push({
  host: "el9-3",
  status: "unreachable",
  error: "connect ECONNREFUSED <script>",
  ms: 10,
  commands: 0,
  checks: [],
});
const earlier = run("d1", "2026-05-01T02:00:00Z", { 'el9-"1"': { "cis.daemon.icc": "pass" } });

describe("compliance reports", () => {
  describe("Prometheus textfile", () => {
    const text = prometheusText(latest);
    it("one ops_check_status series per host and check: 1 passing (waived, n/a), 0 failing (error)", () => {
      assert.match(
        text,
        /^ops_check_status\{host="el9-\\"1\\"",check="cis.daemon.icc",severity="medium"\} 0$/m,
      );
      assert.match(
        text,
        /^ops_check_status\{host="el9-\\"1\\"",check="cis.daemon.live-restore",severity="medium"\} 1$/m,
      );
      assert.match(text, /^ops_check_status\{host="el9-2",check="cis.daemon.icc",severity="medium"\} 1$/m);
      assert.match(
        text,
        /^ops_check_status\{host="el9-2",check="cis.daemon.live-restore",severity="medium"\} 0$/m,
      );
      assert.match(
        text,
        /^ops_check_status\{host="el9-2",check="cis.host.audit-rules",severity="medium"\} 1$/m,
      );
    });
    it("the last run's time, counts by status, hosts not checked", () => {
      assert.match(text, /^ops_check_last_run_timestamp_seconds 1777687209$/m);
      assert.match(text, /^ops_check_results\{status="fail"\} 1$/m);
      assert.match(text, /^ops_check_results\{status="waived"\} 1$/m);
      assert.match(text, /^ops_check_host_checked\{host="el9-3"\} 0$/m);
      assert.match(text, /^ops_check_waived\{host="el9-2",check="cis.daemon.icc",expires=""\} 1$/m);
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
      assert.ok(html.indexOf('class="id">cis.daemon.icc') < html.indexOf('class="id">cis.host.audit-rules'));
      const findings = html.indexOf("<h2>Findings");
      const passes = html.indexOf("<h2>Passing");
      const icc = html.indexOf("cis.daemon.icc · medium — cis.daemon.icc is fail");
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
