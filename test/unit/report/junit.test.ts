/** JUnit XML: structure, totals, and escaping that no command output can break. */
import { strict as assert } from "node:assert";
import { escapeXml, junitXml } from "../../../src/report/junit.js";

describe("junit", () => {
  it("escapes the five XML specials", () => {
    assert.equal(escapeXml(`a<b> & "c" 'd'`), "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;");
  });

  it("replaces characters XML 1.0 forbids (NUL, ESC, lone surrogates) and keeps tabs and newlines", () => {
    assert.equal(escapeXml("x\u0000y\u001b[31mz\tq\n"), "x\uFFFDy\uFFFD[31mz\tq\n");
    assert.equal(escapeXml("a\uD800b"), "a\uFFFDb");
    assert.equal(escapeXml("ok \u{1F600}"), "ok \u{1F600}", "a valid surrogate pair stays");
  });

  it("writes a suite per host and a case per check, with failure and error bodies escaped", () => {
    const xml = junitXml([
      {
        name: "el9-1",
        ms: 1500,
        cases: [
          { name: "engine.active", classname: "verify.el9-1", status: "pass" },
          {
            name: "config.registry-mirrors",
            classname: "verify.el9-1",
            status: "fail",
            message: `missing "http://m:5000" <&>`,
            details: "expected: http://m:5000\nactual: (none)\noutput: ]]> </failure><x>",
          },
          { name: "volume.bind", classname: "verify.el9-1", status: "error", message: "not run" },
        ],
      },
      {
        name: "down",
        cases: [{ name: "engine.active", classname: "verify.down", status: "error", message: "x" }],
      },
    ]);
    assert.match(
      xml,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="ops" tests="4" failures="1" errors="2" skipped="0">/,
    );
    assert.match(xml, /<testsuite name="el9-1" tests="3" failures="1" errors="1" skipped="0" time="1.500">/);
    assert.match(xml, /<testcase name="engine.active" classname="verify.el9-1" time="0.000"\/>/);
    assert.match(
      xml,
      /<failure message="missing &quot;http:\/\/m:5000&quot; &lt;&amp;&gt;" type="failure">expected: http:\/\/m:5000\nactual: \(none\)\noutput: \]\]&gt; &lt;\/failure&gt;&lt;x&gt;<\/failure>/,
    );
    assert.match(xml, /<error message="not run" type="error"><\/error>/);
    // Well-formed enough: every open tag closes, and no raw '<' survives inside text.
    assert.equal((xml.match(/<testsuite /g) ?? []).length, (xml.match(/<\/testsuite>/g) ?? []).length);
    assert.equal((xml.match(/<x>/g) ?? []).length, 0);
  });
});
