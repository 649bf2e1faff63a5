// Every printer of ops, fed text with every kind of hostile character (controls, escape sequences,
// bidirectional overrides, lone surrogates, newlines): no raw control or bidi character may come
// out, and no value may start a line of its own. One rule (src/report/printable.ts) serves them all.
import assert from "node:assert/strict";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError } from "../../../src/cli/errors.js";
import { inventoryList } from "../../../src/cli/inventory-command.js";
import { analyzeHistory, diffRuns } from "../../../src/compliance/history/analysis.js";
import { notifyMessage } from "../../../src/compliance/notify.js";
import { htmlReport } from "../../../src/compliance/report/html.js";
import { diffText, historyText, runSummaryText, runsText } from "../../../src/compliance/report/text.js";
import type { ComplianceRun } from "../../../src/compliance/run-record.js";
import { ConfigError, ConfigErrors, ConnectError, StepFailed } from "../../../src/errors.js";
import { formatAudit, table, type AuditEvent } from "../../../src/registry/audit.js";
import { jsonReporter } from "../../../src/report/json.js";
import {
  printable,
  printableHtml,
  printableJson,
  UNSAFE_MULTILINE,
  UNSAFE_ONE_LINE,
} from "../../../src/report/printable.js";
import { fuzzParams } from "../../helpers/fuzz.js";
import { checkRecord, run } from "../compliance/support/runs.js";

/** Characters an attacker reaches for, mixed with ordinary text. */
const NASTY = [
  "\u001b[2K",
  "\u001b]0;title\u0007",
  "\r",
  "\n",
  "\t",
  "\u0000",
  "\u0008",
  "\u007f",
  "\u009b",
  "\u202e",
  "\u2066",
  "\u200f",
  "\u061c",
  "\u2028",
  "\ufeff",
  "\ud800",
  "\udfff",
  "error: all good",
  "<script>",
  "&",
];
const hostile = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "binary", maxLength: 6 })), { maxLength: 8 })
  .map((parts) => parts.join(""));

/** Lines ops itself composed may break; nothing a value holds may. */
function assertMultiline(out: string, what: string): void {
  assert.doesNotMatch(
    out,
    UNSAFE_MULTILINE,
    `${what}: raw control or bidi character in ${JSON.stringify(out)}`,
  );
}

function hostileRun(v: string): ComplianceRun {
  const r = run("r1", "2026-05-01T02:00:00Z", { [`el9-${v}`]: { [`cis.${v}`]: "fail", "cis.b": "pass" } }, v);
  const host = r.hosts[0];
  if (host !== undefined) {
    host.checks.push({
      ...checkRecord(`x${v}`, "fail"),
      title: v,
      message: v,
      expected: v,
      actual: v,
      hint: v,
      evidence: { command: v, outputTail: v, source: v },
    });
  }
  return r;
}

describe("every printer escapes by the one rule (property)", () => {
  it("printable, printableHtml and printableJson let no control or bidi character through", () => {
    fc.assert(
      fc.property(hostile, (s) => {
        assert.doesNotMatch(printable(s), UNSAFE_ONE_LINE);
        assert.doesNotMatch(printable(s, true), UNSAFE_MULTILINE);
        assert.doesNotMatch(printableHtml(s), UNSAFE_MULTILINE);
        assert.doesNotMatch(printableHtml(s), /[<>"']/);
        const json = printableJson({ s });
        assert.doesNotMatch(json, UNSAFE_ONE_LINE);
        // Lossless: a machine reads back exactly the value (lone surrogates are JSON-escaped too).
        assert.deepEqual(JSON.parse(json), { s });
        // Idempotent: escaping twice changes nothing, so a printer may escape what was escaped.
        assert.equal(printable(printable(s)), printable(s));
      }),
      fuzzParams("printable", 500),
    );
  });

  it("shows U+202E and friends as \\u202e, in a terminal and in HTML alike", () => {
    assert.equal(printable("invoice\u202Efdp.exe"), "invoice\\u202efdp.exe");
    assert.equal(printableHtml("<b>\u202E</b>"), "&lt;b&gt;\\u202e&lt;/b&gt;");
    assert.equal(printableJson({ u: "\u202E\u0085" }), '{"u":"\\u202e\\u0085"}');
  });

  it("errors: config, aggregate, connect and step errors print no raw byte and forge no line", () => {
    fc.assert(
      fc.property(hostile, (v) => {
        const errors = [
          new ConfigError(`unknown key '${v}'`, { file: v, path: v, line: 3 }, v),
          new ConfigErrors([new ConfigError(v, { file: "p.yaml" }), new ConfigError(v)]),
          new ConnectError("reg", `GET /v2/_catalog: HTTP 401 ${v}`, v),
          new StepFailed(v, "step", 1, v),
          new Error(v),
        ];
        for (const err of errors) {
          const { text } = describeError(err);
          assert.doesNotMatch(text, UNSAFE_MULTILINE, JSON.stringify(text));
          // Every line ops did not start is indented: a value cannot print `error: all good` at the margin.
          for (const line of text.split("\n").slice(1))
            if (!(err instanceof ConfigErrors) && !/^internal error/.test(text)) assert.match(line, /^ {2}/);
        }
      }),
      fuzzParams("errors", 200),
    );
  });

  it("registry tables and the audit listing escape every cell", () => {
    fc.assert(
      fc.property(hostile, (v) => {
        const event: AuditEvent = {
          time: new Date(0),
          user: v,
          action: "push",
          denied: false,
          project: v,
          repository: v,
          reference: v,
          digest: v,
          status: 201,
          client: v,
          service: v,
        };
        const out = formatAudit([event]) + table([["A"], [v]]);
        assertMultiline(out, "registry tables");
        assert.equal(out.split("\n").length, 5, "a value added a line");
      }),
      fuzzParams("registry tables", 200),
    );
  });

  it("compliance text, history, diff, HTML report, notification and JSON events", () => {
    fc.assert(
      fc.property(hostile, (v) => {
        const r = hostileRun(v);
        const earlier = hostileRun(`${v}0`);
        const history = analyzeHistory([r, earlier]);
        const d = diffRuns(earlier, r);
        assertMultiline(runSummaryText(r, { history: v, reports: [v] }), "summary");
        assertMultiline(historyText(history, true), "history");
        assertMultiline(diffText(d), "diff");
        assertMultiline(
          runsText([
            {
              id: v,
              startedAt: r.startedAt,
              finishedAt: r.finishedAt,
              exitCode: 3,
              inventory: v,
              targets: v,
              policyDigest: v,
              checkSet: v,
            },
          ]),
          "runs",
        );
        assertMultiline(htmlReport(r, history.trend), "html");
        const message = notifyMessage(r, d);
        if (message) assertMultiline(printableJson(message), "notification");
        let json = "";
        jsonReporter((t) => (json += t))({
          kind: "host-failed",
          host: v,
          error: { kind: "step", message: v },
        });
        assert.doesNotMatch(json.slice(0, -1), UNSAFE_ONE_LINE);
      }),
      fuzzParams("compliance printers", 100),
    );
  });

  it("ops inventory list: host and group names from the inventory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ops-printers-"));
    try {
      const file = join(dir, "hosts.yaml");
      // YAML double-quoted strings carry any character as an escape.
      const names = fc.sample(hostile, { numRuns: 30, ...fuzzParams("inventory list", 30) });
      for (const v of names) {
        const q = JSON.stringify(`h${v}`);
        writeFileSync(file, `all:\n  hosts:\n    ${q}:\n      ansible_host: ${q}\n`);
        let out = "";
        try {
          await inventoryList({ inventory: file, extraVars: [], output: "pretty" }, (t) => (out += t));
        } catch (err) {
          if (!(err instanceof ConfigError || err instanceof ConfigErrors)) throw err;
          out = describeError(err).text;
        }
        assertMultiline(out, "inventory list");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
