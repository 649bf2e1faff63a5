/**
 * JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): a testsuite per host, a
 * testcase per check. Generic on purpose, so compliance reports reuse it. Pure: data in, text out.
 */

export type JunitStatus = "pass" | "fail" | "error" | "skipped";

export interface JunitCase {
  name: string;
  classname: string;
  status: JunitStatus;
  /** One line: the `message` attribute of <failure>/<error>. */
  message?: string;
  /** The body of <failure>/<error>: evidence, expected and actual. */
  details?: string;
  ms?: number;
}

export interface JunitSuite {
  name: string;
  cases: JunitCase[];
  ms?: number;
  timestamp?: string;
}

/**
 * Escapes text for XML content and attribute values. Characters XML 1.0 forbids (most control
 * characters, lone surrogates, U+FFFE/U+FFFF) are replaced by U+FFFD: a CI parser rejects the whole
 * file for one of them, and command output may well hold one (a colour code, a NUL).
 *
 * @example escapeXml(`a<b & "c"`) === "a&lt;b &amp; &quot;c&quot;"
 */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- matching control characters is the point here
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "\uFFFD")
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
      .replace(/\r/g, "&#13;")
  );
}

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);
const attr = (name: string, value: string) => ` ${name}="${escapeXml(value)}"`;

function testcase(c: JunitCase): string {
  const open = `    <testcase${attr("name", c.name)}${attr("classname", c.classname)}${attr("time", seconds(c.ms))}`;
  if (c.status === "pass") return `${open}/>`;
  if (c.status === "skipped")
    return `${open}>\n      <skipped${attr("message", c.message ?? "")}/>\n    </testcase>`;
  const tag = c.status === "fail" ? "failure" : "error";
  const body = escapeXml(c.details ?? "");
  return `${open}>\n      <${tag}${attr("message", c.message ?? "")}${attr("type", tag)}>${body}</${tag}>\n    </testcase>`;
}

/** The whole document: <testsuites> with the totals, a <testsuite> per suite. */
export function junitXml(suites: readonly JunitSuite[], name = "ops"): string {
  const count = (cases: readonly JunitCase[], s: JunitStatus) => cases.filter((c) => c.status === s).length;
  const all = suites.flatMap((s) => s.cases);
  const totals = (cases: readonly JunitCase[]) =>
    `${attr("tests", String(cases.length))}${attr("failures", String(count(cases, "fail")))}` +
    `${attr("errors", String(count(cases, "error")))}${attr("skipped", String(count(cases, "skipped")))}`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr("name", name)}${totals(all)}>`,
    ...suites.flatMap((s) => [
      `  <testsuite${attr("name", s.name)}${totals(s.cases)}${attr("time", seconds(s.ms))}` +
        `${s.timestamp ? attr("timestamp", s.timestamp) : ""}>`,
      ...s.cases.map(testcase),
      "  </testsuite>",
    ]),
    "</testsuites>",
  ];
  return lines.join("\n") + "\n";
}
